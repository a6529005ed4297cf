package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeWeCom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginBackendTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;
    private LoginBackend backend;
    private SessionTokens tokens;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        wecom.addCorp("wwcorpa", "secret-a").addMember(FakeMember.builder("zhangsan").name("张三")
                .department(1, 2).position("engineer").mobile("13800000000").build());
        wecom.corp("wwcorpa").addMember("lisi", "李四");
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        wecom.addCorp("wwcorpc", "secret-c").addMember("zhaoliu", "赵六");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 1);
        tokens = new SessionTokens(key, Duration.ofHours(2), wecom.clock());
        backend = new LoginBackend(Map.of("wwcorpa", client("wwcorpa", "secret-a"),
                "wwcorpb", client("wwcorpb", "secret-b")), "wwcorpa", tokens, 0);
    }

    private WeComClient client(String corpId, String secret) {
        return WeComClient.builder().corpId(corpId).secret(secret).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                .retryPolicy(RetryPolicy.none()).build();
    }

    @AfterEach
    void stop() {
        backend.close();
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
    void login_ofAMemberOfAnotherServedCorp_asksForARelogin_thenSucceedsWithThatCorp() throws Exception {
        HttpResponse<String> first = post("{\"code\":\"" + wecom.issueCode("wwcorpb", "wangwu") + "\"}");
        assertEquals(409, first.statusCode(), first.body());
        JsonNode body = JSON.readTree(first.body());
        assertEquals("relogin", body.get("error").asText());
        assertEquals("wwcorpb", body.get("corpId").asText());

        HttpResponse<String> second = post("{\"code\":\"" + wecom.issueCode("wwcorpb", "wangwu")
                + "\",\"corpId\":\"wwcorpb\"}");
        assertEquals(200, second.statusCode(), second.body());
        assertEquals("wwcorpb", JSON.readTree(second.body()).get("corpId").asText());
        assertEquals("王五", JSON.readTree(second.body()).at("/member/name").asText());
    }

    @Test
    void login_ofAMemberOfACorpNotServed_answers403() throws Exception {
        HttpResponse<String> response = post("{\"code\":\"" + wecom.issueCode("wwcorpc", "zhaoliu") + "\"}");
        assertEquals(403, response.statusCode());
        assertEquals("corp_not_served", JSON.readTree(response.body()).get("error").asText());
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
