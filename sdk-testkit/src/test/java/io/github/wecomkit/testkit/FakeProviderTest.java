package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.testkit.FakeWeCom.TokenBehaviour;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** FakeWeCom's provider endpoints, spoken to over raw HTTP: the shapes and rules WeCom enforces. */
class FakeProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SUITE = "wwsuite0000000001";
    private static final String SECRET = "suite-secret";
    private static final String CORP = "wwcorpa000000001";

    private FakeWeCom wecom;
    private FakeSuite suite;

    @AfterEach
    void close() {
        if (wecom != null) {
            wecom.close();
        }
    }

    private void start(TokenBehaviour behaviour) {
        wecom = FakeWeCom.builder().clock(Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC))
                .tokenBehaviour(behaviour).start();
        wecom.addCorp(CORP, "corp-secret").addMember("zhangsan", "张三");
        suite = wecom.addSuite(SUITE, SECRET);
    }

    private JsonNode post(String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + "/cgi-bin/" + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        return post(path, json, "application/json");
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + "/cgi-bin/" + pathAndQuery)).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private String suiteTokenBody(String ticket) {
        return "{\"suite_id\":\"" + SUITE + "\",\"suite_secret\":\"" + SECRET + "\",\"suite_ticket\":\"" + ticket
                + "\"}";
    }

    private String suiteToken(String ticket) throws IOException, InterruptedException {
        JsonNode r = post("service/get_suite_token", suiteTokenBody(ticket));
        assertEquals(7200, r.path("expires_in").asInt(), r.toString());
        return r.path("suite_access_token").asText();
    }

    @Test
    void getSuiteToken_isAPostOfJson_aGetGives40083_andAFormGives47001() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String ticket = suite.pushTicket().value();
        HttpRequest getWithBody = HttpRequest.newBuilder(URI.create(wecom.baseUrl()
                + "/cgi-bin/service/get_suite_token")).method("GET",
                HttpRequest.BodyPublishers.ofString(suiteTokenBody(ticket))).build();
        assertEquals(40083, JSON.readTree(HTTP.send(getWithBody, HttpResponse.BodyHandlers.ofString()).body())
                .path("errcode").asInt());
        assertEquals(47001, post("service/get_suite_token", "suite_id=" + SUITE + "&suite_secret=" + SECRET
                + "&suite_ticket=" + ticket, "application/x-www-form-urlencoded").path("errcode").asInt());
        assertTrue(suiteToken(ticket).length() > 20);
    }

    @Test
    void getSuiteToken_refusesAWrongSecret40080_anUnknownSuite40083_andAnUnknownTicket40085() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String ticket = suite.pushTicket().value();
        assertEquals(40080, post("service/get_suite_token", suiteTokenBody(ticket).replace(SECRET, "wrong"))
                .path("errcode").asInt());
        assertEquals(40083, post("service/get_suite_token", suiteTokenBody(ticket).replace(SUITE, "wwnosuch"))
                .path("errcode").asInt());
        assertEquals(40085, post("service/get_suite_token", suiteTokenBody("made-up")).path("errcode").asInt());
    }

    @Test
    void tickets_areValidThirtyMinutes_andUnderNewestOnly_anOlderOneIsRefused() throws Exception {
        start(TokenBehaviour.NEW_EVERY_CALL);
        String first = suite.pushTicket().value();
        wecom.advance(Duration.ofMinutes(10));
        String second = suite.pushTicket().value();
        assertTrue(suiteToken(first).length() > 0, "both within 30 minutes");
        suite.ticketRule(FakeSuite.TicketRule.NEWEST_ONLY);
        assertEquals(40085, post("service/get_suite_token", suiteTokenBody(first)).path("errcode").asInt());
        assertTrue(suiteToken(second).length() > 0);
        wecom.advance(Duration.ofMinutes(30));
        assertEquals(40085, post("service/get_suite_token", suiteTokenBody(second)).path("errcode").asInt());
    }

    @Test
    void suiteToken_isTheSameWithinItsValidity_then42009_andAGarbledOne40082() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String ticket = suite.pushTicket().value();
        String token = suiteToken(ticket);
        wecom.advance(Duration.ofMinutes(5));
        assertEquals(token, suiteToken(suite.pushTicket().value()), "a new ticket does not change the token");
        assertEquals(0, get("service/get_pre_auth_code?suite_access_token=" + token).path("errcode").asInt());
        wecom.advance(FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        assertEquals(42009, get("service/get_pre_auth_code?suite_access_token=" + token).path("errcode").asInt());
        assertEquals(40082, get("service/get_pre_auth_code?suite_access_token=garbled").path("errcode").asInt());
        assertEquals(40014, get("user/get?userid=zhangsan&access_token=" + token).path("errcode").asInt(),
                "a suite token is no access_token");
        assertNotEquals(token, suiteToken(suite.pushTicket().value()));
    }

    @Test
    void preAuthCode_livesTwentyMinutes_thenSetSessionInfoAnswers42007() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String token = suiteToken(suite.pushTicket().value());
        JsonNode pre = get("service/get_pre_auth_code?suite_access_token=" + token);
        assertEquals(1200, pre.path("expires_in").asInt());
        String body = "{\"pre_auth_code\":\"" + pre.path("pre_auth_code").asText()
                + "\",\"session_info\":{\"auth_type\":1}}";
        assertEquals(0, post("service/set_session_info?suite_access_token=" + token, body).path("errcode").asInt());
        wecom.advance(FakeSuite.PRE_AUTH_CODE_LIFETIME);
        suite.pushTicket();
        assertEquals(42007, post("service/set_session_info?suite_access_token=" + token, body).path("errcode")
                .asInt());
    }

    @Test
    void authCode_isSingleUse_andLivesTenMinutes_40078() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String token = suiteToken(suite.pushTicket().value());
        String used = suite.authorize(CORP);
        JsonNode first = post("service/get_permanent_code?suite_access_token=" + token,
                "{\"auth_code\":\"" + used + "\"}");
        assertEquals(CORP, first.path("auth_corp_info").path("corpid").asText());
        assertTrue(first.path("access_token").isTextual());
        assertEquals(40078, post("service/get_permanent_code?suite_access_token=" + token,
                "{\"auth_code\":\"" + used + "\"}").path("errcode").asInt());
        String late = suite.authorize(CORP);
        wecom.advance(FakeSuite.AUTH_CODE_LIFETIME);
        assertEquals(40078, post("service/v2/get_permanent_code?suite_access_token=" + token,
                "{\"auth_code\":\"" + late + "\"}").path("errcode").asInt());
    }

    @Test
    void getCorpToken_40084ForAWrongCode_48004AfterCancel_andTheSameTokenWithinValidity() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String token = suiteToken(suite.pushTicket().value());
        JsonNode installed = post("service/v2/get_permanent_code?suite_access_token=" + token,
                "{\"auth_code\":\"" + suite.authorize(CORP) + "\"}");
        assertTrue(installed.path("access_token").isMissingNode(), "v2 answers no token");
        String code = installed.path("permanent_code").asText();
        String body = "{\"auth_corpid\":\"" + CORP + "\",\"permanent_code\":\"" + code + "\"}";
        String corpToken = post("service/get_corp_token?suite_access_token=" + token, body).path("access_token")
                .asText();
        assertEquals(corpToken, post("service/get_corp_token?suite_access_token=" + token, body)
                .path("access_token").asText());
        assertEquals("zhangsan", get("user/get?userid=zhangsan&access_token=" + corpToken).path("name").asText());
        assertEquals(40084, post("service/get_corp_token?suite_access_token=" + token,
                body.replace(code, "typo")).path("errcode").asInt());
        suite.cancel(CORP);
        assertEquals(48004, post("service/get_corp_token?suite_access_token=" + token, body).path("errcode").asInt());
        assertEquals(40014, get("user/get?userid=zhangsan&access_token=" + corpToken).path("errcode").asInt());
    }

    @Test
    void templatesCode_is40084AtGetCorpToken_butACorpSecretAtGettoken() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        FakeSuite template = wecom.addSuite("dktemplate00000001", SECRET);
        String ticket = template.pushTicket().value();
        String token = post("service/get_suite_token", suiteTokenBody(ticket).replace(SUITE, template.suiteId()))
                .path("suite_access_token").asText();
        String code = post("service/get_permanent_code?suite_access_token=" + token,
                "{\"auth_code\":\"" + template.authorize(CORP) + "\"}").path("permanent_code").asText();
        assertEquals(40084, post("service/get_corp_token?suite_access_token=" + token,
                "{\"auth_corpid\":\"" + CORP + "\",\"permanent_code\":\"" + code + "\"}").path("errcode").asInt());
        assertTrue(get("gettoken?corpid=" + CORP + "&corpsecret=" + code).path("access_token").isTextual());
        template.cancel(CORP);
        assertEquals(40001, get("gettoken?corpid=" + CORP + "&corpsecret=" + code).path("errcode").asInt());
    }

    @Test
    void providerJscode2session_encryptsTheUseridOfACorpWithoutTheApp() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        String token = suiteToken(suite.pushTicket().value());
        JsonNode before = get("service/miniprogram/jscode2session?grant_type=authorization_code&suite_access_token="
                + token + "&js_code=" + wecom.issueCode(CORP, "zhangsan"));
        assertEquals(CORP, before.path("corpid").asText());
        assertNotEquals("zhangsan", before.path("userid").asText());
        post("service/get_permanent_code?suite_access_token=" + token, "{\"auth_code\":\"" + suite.authorize(CORP)
                + "\"}");
        JsonNode after = get("service/miniprogram/jscode2session?grant_type=authorization_code&suite_access_token="
                + token + "&js_code=" + wecom.issueCode(CORP, "zhangsan"));
        assertEquals("zhangsan", after.path("userid").asText());
        assertEquals(before.path("open_userid").asText(), after.path("open_userid").asText());
    }

    @Test
    void providerToken_isAPostOfTheProvidersCorpIdAndSecret() throws Exception {
        start(TokenBehaviour.SAME_WITHIN_VALIDITY);
        wecom.provider("wwprovider000001", "provider-secret");
        assertEquals(40001, post("service/get_provider_token", "{\"corpid\":\"wwprovider000001\","
                + "\"provider_secret\":\"wrong\"}").path("errcode").asInt());
        assertEquals(41002, get("service/get_provider_token").path("errcode").asInt(), "a GET's body is ignored");
        JsonNode r = post("service/get_provider_token", "{\"corpid\":\"wwprovider000001\","
                + "\"provider_secret\":\"provider-secret\"}");
        assertEquals(wecom.liveProviderTokens("wwprovider000001"), java.util.List.of(r.path("provider_access_token")
                .asText()));
    }
}
