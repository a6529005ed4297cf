package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeWeCom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginBackendTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;
    private WeComCorps corps;
    private LoginBackend backend;
    private SessionTokens tokens;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        wecom.addCorp("wwcorpa", "secret-a").addMember(FakeMember.builder("zhangsan").name("张三")
                .department(1, 2).position("engineer").mobile("13800000000").build());
        wecom.corp("wwcorpa").addMember("lisi", "李四");
        wecom.corp("wwcorpa").app().createdBeforePrivacyChange(true); // so user/get returns the mobile
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        wecom.addCorp("wwcorpc", "secret-c").addMember("zhaoliu", "赵六");
        wecom.addCorp("wwcorpd", "secret-d").addMember("sunqi", "孙七");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 1);
        tokens = new SessionTokens(key, Duration.ofHours(2), wecom.clock());
        corps = WeComCorps.builder().corp("wwcorpa", "secret-a").corp("wwcorpb", "secret-b")
                .corp("wwcorpc", "secret-c").settings(WeComClient.builder().baseUrl(wecom.baseUrl())
                        .clock(wecom.clock()).retryPolicy(RetryPolicy.none())).build();
        backend = new LoginBackend(corps, tokens, 0);
    }

    @AfterEach
    void stop() {
        backend.close();
        corps.close();
        wecom.close();
    }

    @Test
    void login_returnsTheMemberAndASignedSessionToken_neverTheSessionKey() throws Exception {
        HttpResponse<String> response = post("{\"code\":\"" + wecom.issueCode("wwcorpa", "zhangsan") + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("wwcorpa", body.get("corpId").asText());
        assertEquals("zhangsan", body.at("/member/userId").asText());
        assertEquals("张三", body.at("/member/name").asText());
        assertEquals("[1,2]", body.at("/member/department").toString());
        assertEquals("engineer", body.at("/member/position").asText());
        assertFalse(response.body().contains("session_key") || response.body().contains("sessionKey"));
        assertFalse(response.body().contains("13800000000"), "contact details stay on the server");
        SessionTokens.Subject who = tokens.verify(body.get("token").asText()).orElseThrow();
        assertEquals("zhangsan", who.userId());
        assertEquals("wwcorpa", who.corpId());
    }

    @Test
    void me_withTheIssuedToken_namesTheMember_andWithoutItAnswers401() throws Exception {
        JsonNode login = JSON.readTree(post("{\"code\":\"" + wecom.issueCode("wwcorpa", "lisi") + "\"}").body());
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/me"))
                .header("Authorization", "Bearer " + login.get("token").asText()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode());
        assertEquals("lisi", JSON.readTree(me.body()).get("userId").asText());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/me"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }

    @Test
    void login_ofAMemberOutsideTheVisibleRange_answers403WithAClearMessage() throws Exception {
        wecom.corp("wwcorpa").app().hideMembers("lisi");
        HttpResponse<String> response = post("{\"code\":\"" + wecom.issueCode("wwcorpa", "lisi") + "\"}");
        assertEquals(403, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("no_privilege", body.get("error").asText());
        assertTrue(body.get("message").asText().contains("visible range"), response.body());
    }

    @Test
    void login_withAUsedCode_answers401AskingForANewLogin() throws Exception {
        String code = wecom.issueCode("wwcorpa", "lisi");
        assertEquals(200, post("{\"code\":\"" + code + "\"}").statusCode());
        HttpResponse<String> again = post("{\"code\":\"" + code + "\"}");
        assertEquals(401, again.statusCode());
        assertTrue(again.body().contains("wx.qy.login"), again.body());
    }

    @Test
    void reloginRoundTrip_acrossThreeCorps_overHttp() throws Exception {
        for (String[] member : new String[][] {{"wwcorpb", "wangwu", "王五"}, {"wwcorpc", "zhaoliu", "赵六"}}) {
            // What app.js does: wx.qy.login, post the code; on 409, wx.qy.login again and post with the corpId.
            HttpResponse<String> first = post("{\"code\":\"" + wecom.issueCode(member[0], member[1]) + "\"}");
            assertEquals(409, first.statusCode(), first.body());
            JsonNode body = JSON.readTree(first.body());
            assertEquals("relogin", body.get("error").asText());
            assertEquals(member[0], body.get("corpId").asText());

            HttpResponse<String> second = post("{\"code\":\"" + wecom.issueCode(member[0], member[1])
                    + "\",\"corpId\":\"" + body.get("corpId").asText() + "\"}");
            assertEquals(200, second.statusCode(), second.body());
            JsonNode ok = JSON.readTree(second.body());
            assertEquals(member[0], ok.get("corpId").asText());
            assertEquals(member[2], ok.at("/member/name").asText());
            SessionTokens.Subject who = tokens.verify(ok.get("token").asText()).orElseThrow();
            assertEquals(member[0], who.corpId());
            assertEquals(member[1], who.userId());
        }
        HttpResponse<String> direct = post("{\"code\":\"" + wecom.issueCode("wwcorpa", "lisi") + "\"}");
        assertEquals(200, direct.statusCode(), "a member of the default corp needs one exchange");
        assertEquals(5, wecom.calls(FakeApi.JSCODE2SESSION));
        assertEquals(3, wecom.calls(FakeApi.GET_TOKEN), "one token per corp");
    }

    @Test
    void relogin_withTheCorpOfAnotherMember_asksForAnotherRelogin() throws Exception {
        HttpResponse<String> wrong = post("{\"code\":\"" + wecom.issueCode("wwcorpc", "zhaoliu")
                + "\",\"corpId\":\"wwcorpb\"}");
        assertEquals(409, wrong.statusCode(), wrong.body());
        assertEquals("wwcorpc", JSON.readTree(wrong.body()).get("corpId").asText());
    }

    @Test
    void login_ofAMemberOfACorpNotServed_answers403() throws Exception {
        HttpResponse<String> response = post("{\"code\":\"" + wecom.issueCode("wwcorpd", "sunqi") + "\"}");
        assertEquals(403, response.statusCode());
        assertEquals("corp_not_served", JSON.readTree(response.body()).get("error").asText());
    }

    @Test
    void aCorpAddedAtRunTime_isServedFromTheNextLogin() throws Exception {
        assertEquals(403, post("{\"code\":\"" + wecom.issueCode("wwcorpd", "sunqi") + "\"}").statusCode());
        corps.addCorp("wwcorpd", "secret-d");
        assertEquals(409, post("{\"code\":\"" + wecom.issueCode("wwcorpd", "sunqi") + "\"}").statusCode());
        assertEquals(200, post("{\"code\":\"" + wecom.issueCode("wwcorpd", "sunqi")
                + "\",\"corpId\":\"wwcorpd\"}").statusCode());
    }

    @Test
    void login_whenWeComIsBusy_answers503() throws Exception {
        wecom.failNext(FakeApi.JSCODE2SESSION, 1, -1);
        assertEquals(503, post("{\"code\":\"" + wecom.issueCode("wwcorpa", "lisi") + "\"}").statusCode());
    }

    @Test
    void login_withABadBody_answers400_andGetAnswers405() throws Exception {
        assertEquals(400, post("not json").statusCode());
        assertEquals(400, post("{\"token\":\"x\"}").statusCode());
        assertEquals(400, post("{\"code\":\"x\",\"corpId\":\"wwnobody\"}").statusCode());
        assertEquals(0, wecom.calls(FakeApi.JSCODE2SESSION), "bad requests never reach WeCom");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/login"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    private HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
