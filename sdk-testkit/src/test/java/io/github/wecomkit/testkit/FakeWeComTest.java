package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeWeComTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;
    private FakeCorp corp;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).gettokenLimitPerMinute(5).start();
        corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("ZhangSan").name("张三").department(1, 2).order(10, 20)
                .position("engineer").mobile("13800000000").gender("1").email("zs@example.com")
                .isLeaderInDept(0, 1).directLeader("lisi").avatar("https://example.com/a.png").status(1).build());
        corp.addMember("lisi", "李四");
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    // ---- gettoken -------------------------------------------------------------------------------------

    @Test
    void gettoken_withTheAppSecret_returnsATokenLivingTheConfiguredLifetime() throws Exception {
        JsonNode body = get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a");
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("ok", body.get("errmsg").asText());
        assertEquals(7200, body.get("expires_in").asInt());
        assertEquals(List.of(body.get("access_token").asText()), wecom.liveTokens("wwcorpa"));
    }

    @Test
    void gettoken_withAWrongSecret_answers40001() throws Exception {
        assertErrcode(40001, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=wrong"));
    }

    @Test
    void gettoken_withAnUnknownCorp_answers40013() throws Exception {
        assertErrcode(40013, get("/cgi-bin/gettoken?corpid=wwnobody&corpsecret=secret-a"));
    }

    @Test
    void gettoken_withTheSecretOfAnotherCorp_answers40091() throws Exception {
        wecom.addCorp("wwcorpb", "secret-b");
        assertErrcode(40091, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-b"));
    }

    @Test
    void gettoken_withoutCorpIdOrSecret_answersMissingParameter() throws Exception {
        assertErrcode(41002, get("/cgi-bin/gettoken?corpsecret=secret-a"));
        assertErrcode(41004, get("/cgi-bin/gettoken?corpid=wwcorpa"));
    }

    @Test
    void gettoken_overTheLimitInAMinute_answers45009UntilTheMinutePasses() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertFalse(token("wwcorpa", "secret-a").isEmpty());
        }
        assertErrcode(45009, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a"));
        wecom.advance(Duration.ofSeconds(61));
        assertFalse(token("wwcorpa", "secret-a").isEmpty());
        assertEquals(7, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void gettoken_limitIsPerCorp() throws Exception {
        wecom.addCorp("wwcorpb", "secret-b");
        for (int i = 0; i < 5; i++) {
            token("wwcorpa", "secret-a");
        }
        assertFalse(token("wwcorpb", "secret-b").isEmpty());
    }

    // ---- tokens ---------------------------------------------------------------------------------------

    @Test
    void gettoken_withinTheTokensValidity_answersTheSameToken_andRestartsItsValidity() throws Exception {
        String first = token("wwcorpa", "secret-a");
        wecom.advance(Duration.ofSeconds(7000));

        String again = token("wwcorpa", "secret-a");

        assertEquals(first, again, "WeCom's documented rule: the same token while it is valid");
        wecom.advance(Duration.ofSeconds(7199)); // 14199 s after the first fetch: alive thanks to the restart
        assertEquals(0, get(userGet(first, "lisi")).get("errcode").asInt());
        wecom.advance(Duration.ofSeconds(1));
        assertErrcode(42001, get(userGet(first, "lisi")));
        assertNotEquals(first, token("wwcorpa", "secret-a"), "after expiry, a new token");
    }

    @Test
    void gettoken_afterARevocation_answersANewToken_evenWithinValidity() throws Exception {
        String first = token("wwcorpa", "secret-a");
        wecom.revokeToken(first);

        assertNotEquals(first, token("wwcorpa", "secret-a"));
    }

    @Test
    void gettoken_withTheNewEveryCallSwitch_answersANewTokenEachTime_andOlderOnesStayValid() throws Exception {
        try (FakeWeCom other = FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC))
                .tokenBehaviour(FakeWeCom.TokenBehaviour.NEW_EVERY_CALL).start()) {
            other.addCorp("wwcorpa", "secret-a").addMember("lisi", "李四");
            URI gettoken = URI.create(other.baseUrl() + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a");
            String first = JSON.readTree(send(HttpRequest.newBuilder(gettoken).build()).body())
                    .get("access_token").asText();
            String second = JSON.readTree(send(HttpRequest.newBuilder(gettoken).build()).body())
                    .get("access_token").asText();

            assertNotEquals(first, second);
            assertEquals(List.of(first, second), other.liveTokens("wwcorpa"));
        }
    }

    @Test
    void token_afterItsLifetime_answers42001() throws Exception {
        String token = token("wwcorpa", "secret-a");
        wecom.advance(Duration.ofSeconds(7199));
        assertEquals(0, get(userGet(token, "lisi")).get("errcode").asInt());
        wecom.advance(Duration.ofSeconds(1));
        assertErrcode(42001, get(userGet(token, "lisi")));
        assertEquals(List.of(), wecom.liveTokens("wwcorpa"));
    }

    @Test
    void token_whenRevoked_answers40014AndANewTokenWorks() throws Exception {
        String old = token("wwcorpa", "secret-a");
        assertEquals(1, wecom.revokeTokens("wwcorpa"));
        assertErrcode(40014, get(userGet(old, "lisi")));
        String fresh = token("wwcorpa", "secret-a");
        assertNotEquals(old, fresh);
        assertEquals(0, get(userGet(fresh, "lisi")).get("errcode").asInt());
    }

    @Test
    void token_whenOneIsRevoked_othersStayValid() throws Exception {
        corp.addApp("secret-a2");
        String first = token("wwcorpa", "secret-a");
        String second = token("wwcorpa", "secret-a2");
        assertTrue(wecom.revokeToken(first));
        assertErrcode(40014, get(userGet(first, "lisi")));
        assertEquals(0, get(userGet(second, "lisi")).get("errcode").asInt());
    }

    @Test
    void token_unknownOrMissing_answers40014Or41001() throws Exception {
        assertErrcode(40014, get(userGet("not-a-token", "lisi")));
        assertErrcode(41001, get("/cgi-bin/user/get?userid=lisi"));
    }

    @Test
    void clock_advancesWithTheFake() {
        assertEquals(T0, wecom.clock().instant());
        wecom.advance(Duration.ofMinutes(3));
        assertEquals(T0.plusSeconds(180), wecom.clock().instant());
        assertThrows(IllegalArgumentException.class, () -> wecom.advance(Duration.ofSeconds(-1)));
    }

    // ---- jscode2session -------------------------------------------------------------------------------

    @Test
    void jscode2session_withAFreshCode_returnsCorpUserAndA16ByteSessionKey() throws Exception {
        String code = wecom.issueCode("wwcorpa", "zhangsan");
        JsonNode body = get(session(token("wwcorpa", "secret-a"), code));
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("wwcorpa", body.get("corpid").asText());
        assertEquals("ZhangSan", body.get("userid").asText());
        assertEquals(16, Base64.getDecoder().decode(body.get("session_key").asText()).length);
    }

    @Test
    void jscode2session_whenCodeAlreadyUsed_answers40029() throws Exception {
        String token = token("wwcorpa", "secret-a");
        String code = wecom.issueCode("wwcorpa", "lisi");
        assertEquals(0, get(session(token, code)).get("errcode").asInt());
        assertErrcode(40029, get(session(token, code)));
    }

    @Test
    void jscode2session_whenCodeOlderThanFiveMinutes_answers40029() throws Exception {
        String token = token("wwcorpa", "secret-a");
        String fresh = wecom.issueCode("wwcorpa", "lisi");
        String stale = wecom.issueCode("wwcorpa", "lisi");
        wecom.advance(Duration.ofSeconds(299));
        assertEquals(0, get(session(token, fresh)).get("errcode").asInt());
        wecom.advance(Duration.ofSeconds(1));
        assertErrcode(40029, get(session(token, stale)));
    }

    @Test
    void jscode2session_withAnUnknownCode_answers40029() throws Exception {
        assertErrcode(40029, get(session(token("wwcorpa", "secret-a"), "made-up")));
    }

    @Test
    void jscode2session_withACodeOfAnotherCorp_returnsThatCorp() throws Exception {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        String code = wecom.issueCode("wwcorpb", "wangwu");
        JsonNode body = get(session(token("wwcorpa", "secret-a"), code));
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("wwcorpb", body.get("corpid").asText());
        assertEquals("wangwu", body.get("userid").asText());
    }

    @Test
    void jscode2session_withTheTokenOfAnAppWithoutMiniProgram_answers40014() throws Exception {
        corp.addApp("hr-secret").miniProgram(false);
        String code = wecom.issueCode("wwcorpa", "lisi");
        assertErrcode(40014, get(session(token("wwcorpa", "hr-secret"), code)));
    }

    @Test
    void jscode2session_withoutGrantType_answers40058() throws Exception {
        String code = wecom.issueCode("wwcorpa", "lisi");
        assertErrcode(40058, get("/cgi-bin/miniprogram/jscode2session?access_token="
                + token("wwcorpa", "secret-a") + "&js_code=" + code));
    }

    @Test
    void issueCode_forAnUnknownMemberOrCorp_throws() {
        assertThrows(IllegalArgumentException.class, () -> wecom.issueCode("wwcorpa", "nobody"));
        assertThrows(IllegalArgumentException.class, () -> wecom.issueCode("wwnobody", "lisi"));
    }

    // ---- user/get -------------------------------------------------------------------------------------

    @Test
    void userGet_returnsEveryFieldOfTheMember_toAnAppCreatedBeforeThePrivacyChange() throws Exception {
        corp.app().createdBeforePrivacyChange(true);
        JsonNode body = get(userGet(token("wwcorpa", "secret-a"), "ZhangSan"));
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("ZhangSan", body.get("userid").asText());
        assertEquals("张三", body.get("name").asText());
        assertEquals("[1,2]", body.get("department").toString());
        assertEquals("[10,20]", body.get("order").toString());
        assertEquals("engineer", body.get("position").asText());
        assertEquals("13800000000", body.get("mobile").asText());
        assertEquals("1", body.get("gender").asText());
        assertTrue(body.get("gender").isTextual(), "gender is a string in WeCom's JSON");
        assertEquals("zs@example.com", body.get("email").asText());
        assertEquals("[0,1]", body.get("is_leader_in_dept").toString());
        assertEquals("[\"lisi\"]", body.get("direct_leader").toString());
        assertEquals("https://example.com/a.png", body.get("avatar").asText());
        assertEquals(1, body.get("main_department").asInt());
        assertEquals(1, body.get("status").asInt());
        assertEquals(1, body.get("enable").asInt());
        for (String field : List.of("biz_mail", "thumb_avatar", "telephone", "alias", "address", "open_userid",
                "extattr", "qr_code", "external_position", "external_profile")) {
            assertTrue(body.has(field), field);
        }
    }

    @Test
    void userGet_comparesUserIdsCaseInsensitively() throws Exception {
        assertEquals("ZhangSan", get(userGet(token("wwcorpa", "secret-a"), "zhangsan")).get("userid").asText());
    }

    @Test
    void userGet_whenMemberOutsideTheVisibleRange_answers60011() throws Exception {
        corp.app().hideMembers("lisi");
        String token = token("wwcorpa", "secret-a");
        assertErrcode(60011, get(userGet(token, "lisi")));
        corp.app().showMembers("LISI");
        assertEquals(0, get(userGet(token, "lisi")).get("errcode").asInt());
    }

    @Test
    void userGet_whenMemberUnknownOrRemoved_answers60111() throws Exception {
        String token = token("wwcorpa", "secret-a");
        assertErrcode(60111, get(userGet(token, "nobody")));
        assertTrue(corp.removeMember("lisi"));
        assertErrcode(60111, get(userGet(token, "lisi")));
    }

    @Test
    void userGet_withAMemberOfAnotherCorp_answers60111() throws Exception {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        assertErrcode(60111, get(userGet(token("wwcorpa", "secret-a"), "wangwu")));
    }

    @Test
    void userGet_withAnEmptyUserId_answers40003() throws Exception {
        assertErrcode(40003, get(userGet(token("wwcorpa", "secret-a"), "")));
    }

    // ---- message/send ---------------------------------------------------------------------------------

    @Test
    void messageSend_acceptsAndRecordsTheMessage_listingInvalidUsers() throws Exception {
        String message = "{\"touser\":\"lisi|Ghost\",\"msgtype\":\"miniprogram_notice\","
                + "\"miniprogram_notice\":{\"appid\":\"wx123\",\"title\":\"会议提醒\"}}";
        JsonNode body = post("/cgi-bin/message/send?access_token=" + token("wwcorpa", "secret-a"), message);
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("ghost", body.get("invaliduser").asText());
        assertTrue(body.get("msgid").asText().startsWith("fake-msg-"));
        assertEquals(List.of(message), wecom.sentMessages());
        assertEquals(1, wecom.calls(FakeApi.MESSAGE_SEND));
    }

    @Test
    void messageSend_whenEveryRecipientIsInvalid_answers81013() throws Exception {
        String message = "{\"touser\":\"ghost\",\"msgtype\":\"text\",\"agentid\":" + corp.app().agentId()
                + ",\"text\":{\"content\":\"hi\"}}";
        assertErrcode(81013, post("/cgi-bin/message/send?access_token=" + token("wwcorpa", "secret-a"), message));
        assertEquals(List.of(), wecom.sentMessages());
    }

    @Test
    void messageSend_aNoticeFromAnAppWithoutMiniProgram_answers48002() throws Exception {
        corp.addApp("hr-secret").miniProgram(false);
        String message = "{\"touser\":\"lisi\",\"msgtype\":\"miniprogram_notice\",\"miniprogram_notice\":{}}";
        assertErrcode(48002, post("/cgi-bin/message/send?access_token=" + token("wwcorpa", "hr-secret"), message));
    }

    @Test
    void messageSend_withBadJsonOrGet_answers40058() throws Exception {
        String token = token("wwcorpa", "secret-a");
        assertErrcode(40058, post("/cgi-bin/message/send?access_token=" + token, "{not json"));
        assertErrcode(40058, get("/cgi-bin/message/send?access_token=" + token));
    }

    @Test
    void messageSend_aNoticeWithoutAppIdOrTitle_answers40063() throws Exception {
        String token = token("wwcorpa", "secret-a");
        assertErrcode(40063, post(send(token), notice("\"touser\":\"lisi\"", "\"title\":\"会议提醒\"")));
        assertErrcode(40063, post(send(token), notice("\"touser\":\"lisi\"", "\"appid\":\"wx1\"")));
        assertErrcode(40063, post(send(token), "{\"touser\":\"lisi\",\"msgtype\":\"miniprogram_notice\"}"));
        assertEquals(List.of(), wecom.sentNotices());
    }

    @Test
    void messageSend_aNoticeOverWeComsLimits_isRefused() throws Exception {
        String token = token("wwcorpa", "secret-a");
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            items.append(i == 0 ? "" : ",").append("{\"key\":\"k\",\"value\":\"v\"}");
        }
        assertErrcode(40058, post(send(token), notice("\"touser\":\"lisi\"", VALID + ",\"content_item\":[" + items + "]")));
        assertErrcode(40058, post(send(token), notice("\"touser\":\"@all\"", VALID)));
        assertErrcode(40032, post(send(token), notice("\"touser\":\"" + ids("u", 1001) + "\"", VALID)));
        assertErrcode(40058, post(send(token), notice("\"touser\":\"lisi\",\"toparty\":\"" + ids("", 101) + "\"",
                VALID)));
        assertErrcode(40058, post(send(token), notice("\"touser\":\"lisi\",\"totag\":\"" + ids("", 101) + "\"",
                VALID)));
        assertErrcode(40058, post(send(token), notice("\"touser\":\"lisi\",\"enable_duplicate_check\":1,"
                + "\"duplicate_check_interval\":14401", VALID)));
        assertEquals(0, post(send(token), notice("\"touser\":\"lisi\",\"enable_duplicate_check\":1,"
                + "\"duplicate_check_interval\":14400", VALID)).get("errcode").asInt());
        assertEquals(1, wecom.sentNotices().size());
    }

    @Test
    void messageSend_anUnknownTypeOrAMissingAgentId_isRefused_andANoticeMayOmitTheAgentId() throws Exception {
        String token = token("wwcorpa", "secret-a");
        assertErrcode(40008, post(send(token), "{\"touser\":\"lisi\",\"msgtype\":\"fax\"}"));
        assertErrcode(41011, post(send(token), "{\"touser\":\"lisi\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}"));
        assertErrcode(301002, post(send(token), "{\"touser\":\"lisi\",\"msgtype\":\"text\",\"agentid\":1,"
                + "\"text\":{\"content\":\"hi\"}}"));
        assertEquals(0, post(send(token), notice("\"touser\":\"lisi\"", VALID)).get("errcode").asInt());
    }

    @Test
    void messageSend_resolvesPartiesAndTags_againstTheCorp() throws Exception {
        corp.addTag(5);
        JsonNode body = post(send(token("wwcorpa", "secret-a")),
                notice("\"toparty\":\"2|9\",\"totag\":\"5|6\"", VALID));
        assertEquals(0, body.get("errcode").asInt());
        assertEquals("9", body.get("invalidparty").asText(), "department 2 has ZhangSan; 9 has nobody");
        assertEquals("6", body.get("invalidtag").asText());
        assertEquals("", body.get("invaliduser").asText());
    }

    @Test
    void messageSend_withTheDuplicateCheck_dropsARepeatWithinTheInterval() throws Exception {
        String token = token("wwcorpa", "secret-a");
        String message = notice("\"touser\":\"lisi\",\"enable_duplicate_check\":1,\"duplicate_check_interval\":60",
                VALID);
        String first = post(send(token), message).get("msgid").asText();
        assertEquals(first, post(send(token), message).get("msgid").asText());
        assertEquals(1, wecom.sentNotices().size());
        wecom.advance(Duration.ofSeconds(60));
        assertNotEquals(first, post(send(token), message).get("msgid").asText());
        assertEquals(2, wecom.sentNotices().size());
    }

    @Test
    void dropAfterProcessingNext_doesTheWork_thenClosesUnanswered() throws Exception {
        String token = token("wwcorpa", "secret-a");
        wecom.dropAfterProcessingNext(FakeApi.MESSAGE_SEND, 1);
        HttpRequest request = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + send(token)))
                .POST(HttpRequest.BodyPublishers.ofString(notice("\"touser\":\"lisi\"", VALID))).build();

        assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));

        assertEquals(1, wecom.sentNotices().size(), "processed although unanswered");
        assertEquals(1, wecom.calls(FakeApi.MESSAGE_SEND), "the JDK client does not resend a POST");
    }

    @Test
    void jscode2session_ofAMemberOfACorpThatHasNotAssociatedTheMiniProgram_answersAnEncryptedUserid()
            throws Exception {
        FakeCorp other = wecom.addCorp("wwcorpx", "secret-x");
        other.addMember("zhaoliu", "赵六");
        other.app().miniProgram(false);

        JsonNode body = get(session(token("wwcorpa", "secret-a"), wecom.issueCode("wwcorpx", "zhaoliu")));

        assertEquals("wwcorpx", body.get("corpid").asText());
        String encrypted = body.get("userid").asText();
        assertEquals(wecom.encryptedUserId("wwcorpx", "zhaoliu"), encrypted);
        assertNotEquals("zhaoliu", encrypted);
        assertEquals(encrypted, wecom.encryptedUserId("wwcorpx", "ZHAOLIU"), "stable per member");
        assertFalse(other.associatesMiniProgram());
        assertTrue(corp.associatesMiniProgram());
    }

    @Test
    void jscode2session_ofAMemberOfAnotherAssociatedCorp_answersThatCorpAndThePlainUserid() throws Exception {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        JsonNode body = get(session(token("wwcorpa", "secret-a"), wecom.issueCode("wwcorpb", "wangwu")));
        assertEquals("wwcorpb", body.get("corpid").asText());
        assertEquals("wangwu", body.get("userid").asText());
    }

    @Test
    void userGet_acrossCorps_answers92002_whenSwitchedToNotAllowed() throws Exception {
        try (FakeWeCom strict = FakeWeCom.builder().crossCorpLookup(FakeWeCom.CrossCorpLookup.NOT_ALLOWED).start()) {
            strict.addCorp("wwcorpa", "secret-a").addMember("lisi", "李四");
            strict.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
            String token = JSON.readTree(send(HttpRequest.newBuilder(URI.create(strict.baseUrl()
                    + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a")).build()).body())
                    .get("access_token").asText();
            JsonNode cross = JSON.readTree(send(HttpRequest.newBuilder(URI.create(strict.baseUrl()
                    + userGet(token, "wangwu"))).build()).body());
            JsonNode unknown = JSON.readTree(send(HttpRequest.newBuilder(URI.create(strict.baseUrl()
                    + userGet(token, "nobody"))).build()).body());
            assertErrcode(92002, cross);
            assertTrue(cross.get("errmsg").asText().startsWith("not allow to cross corp"), cross.toString());
            assertErrcode(60111, unknown);
        }
    }

    @Test
    void userGet_forAnAppCreatedSinceThePrivacyChange_leavesOutTheRestrictedFields() throws Exception {
        JsonNode body = get(userGet(token("wwcorpa", "secret-a"), "ZhangSan"));
        assertEquals(0, body.get("errcode").asInt());
        for (String field : List.of("avatar", "gender", "mobile", "email", "biz_mail", "qr_code", "address")) {
            assertFalse(body.has(field), field);
        }
        for (String field : List.of("userid", "name", "department", "position", "thumb_avatar", "status")) {
            assertTrue(body.has(field), field);
        }
    }

    // ---- error shape ----------------------------------------------------------------------------------

    @Test
    void errors_lookLikeWeComs_withHintFromIpLinkAndHeaders() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=wrong")).build());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith("{\"errcode\":40001,\"errmsg\":"), response.body());
        String errmsg = JSON.readTree(response.body()).get("errmsg").asText();
        assertTrue(errmsg.matches("invalid credential, hint: \\[" + T0.getEpochSecond() + "_\\d+_[0-9a-f]{32}\\], "
                + "from ip: 127\\.0\\.0\\.1, more info at https://open\\.work\\.weixin\\.qq\\.com/devtool/query\\?e=40001"),
                errmsg);
        assertEquals("40001", response.headers().firstValue("Error-Code").orElseThrow());
        assertEquals(errmsg, response.headers().firstValue("Error-Msg").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertFalse(errmsg.contains("wrong"), "the fake never echoes a secret");
    }

    @Test
    void success_carriesErrorCodeZeroHeader() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a")).build());
        assertEquals("0", response.headers().firstValue("Error-Code").orElseThrow());
        assertEquals("ok", response.headers().firstValue("Error-Msg").orElseThrow());
    }

    @Test
    void unknownPath_answers404() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(wecom.baseUrl() + "/cgi-bin/user/list")).build());
        assertEquals(404, response.statusCode());
    }

    // ---- scripted faults and counters -----------------------------------------------------------------

    @Test
    void failNext_answersTheScriptedErrcodeThenRecovers_withoutUsingTheCode() throws Exception {
        String token = token("wwcorpa", "secret-a");
        String code = wecom.issueCode("wwcorpa", "lisi");
        wecom.failNext(FakeApi.JSCODE2SESSION, 2, -1);
        assertErrcode(-1, get(session(token, code)));
        assertErrcode(-1, get(session(token, code)));
        assertEquals("lisi", get(session(token, code)).get("userid").asText());
        assertEquals(3, wecom.calls(FakeApi.JSCODE2SESSION));
    }

    @Test
    void failNext_scriptsRunInOrder() throws Exception {
        wecom.failNext(FakeApi.GET_TOKEN, 1, 45009);
        wecom.failNext(FakeApi.GET_TOKEN, 1, 60020);
        assertErrcode(45009, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a"));
        assertErrcode(60020, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a"));
        assertEquals(0, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a").get("errcode").asInt());
    }

    @Test
    void clearFaults_dropsUnusedScripts() throws Exception {
        wecom.failNext(FakeApi.GET_TOKEN, 3, -1);
        wecom.clearFaults();
        assertEquals(0, get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a").get("errcode").asInt());
    }

    @Test
    void delayNext_holdsTheAnswerOnTheServer_soAClientTimesOut() throws Exception {
        String token = token("wwcorpa", "secret-a");
        wecom.delayNext(FakeApi.USER_GET, 1, Duration.ofSeconds(30));
        HttpRequest slow = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + userGet(token, "lisi")))
                .timeout(Duration.ofMillis(300)).build();
        assertThrows(HttpTimeoutException.class, () -> http.send(slow, HttpResponse.BodyHandlers.ofString()));
        // The delayed call holds one server thread only: the next call is answered at once.
        assertEquals("lisi", get(userGet(token, "lisi")).get("userid").asText());
    }

    @Test
    void respondNext_sendsARawHttpAnswer() throws Exception {
        wecom.respondNext(FakeApi.USER_GET, 1, 502, "<html>Bad Gateway</html>");
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(wecom.baseUrl() + userGet(token("wwcorpa", "secret-a"), "lisi"))).build());
        assertEquals(502, response.statusCode());
        assertEquals("<html>Bad Gateway</html>", response.body());
    }

    @Test
    void dropNext_closesTheConnectionWithoutAnAnswer() throws Exception {
        // The JDK client resends a GET once by itself when its connection drops, so drop two in a row.
        wecom.dropNext(FakeApi.GET_TOKEN, 2);
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a")).build();
        assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void script_rejectsZeroTimes() {
        assertThrows(IllegalArgumentException.class, () -> wecom.failNext(FakeApi.USER_GET, 0, -1));
    }

    @Test
    void calls_countPerApi_andReset() throws Exception {
        String token = token("wwcorpa", "secret-a");
        get(userGet(token, "lisi"));
        get(userGet(token, "nobody"));
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(2, wecom.calls(FakeApi.USER_GET));
        assertEquals(0, wecom.calls(FakeApi.JSCODE2SESSION));
        wecom.resetCalls();
        assertEquals(0, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void awaitCalls_returnsOnceTheCountIsReached() throws Exception {
        CompletableFuture<JsonNode> call = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(wecom.awaitCalls(FakeApi.GET_TOKEN, 1, Duration.ofSeconds(30)));
        assertEquals(0, call.join().get("errcode").asInt());
        assertFalse(wecom.awaitCalls(FakeApi.GET_TOKEN, 2, Duration.ofMillis(50)));
    }

    // ---- lifecycle and setup errors -------------------------------------------------------------------

    @Test
    void start_listensOnLoopback_andCloseFreesThePort() throws Exception {
        assertTrue(wecom.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+"), wecom.baseUrl());
        String url = wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwcorpa&corpsecret=secret-a";
        wecom.close();
        wecom.close();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).build();
        HttpClient fresh = HttpClient.newHttpClient();
        assertThrows(ConnectException.class, () -> fresh.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void addCorp_twice_throws() {
        assertThrows(IllegalArgumentException.class, () -> wecom.addCorp("wwcorpa", "other"));
        assertThrows(IllegalArgumentException.class, () -> corp.addApp("secret-a"));
        assertThrows(IllegalArgumentException.class, () -> wecom.corp("wwnobody"));
    }

    @Test
    void toString_neverShowsASecretOrToken() throws Exception {
        String token = token("wwcorpa", "secret-a");
        String all = wecom + " " + corp + " " + corp.app() + " " + corp.member("lisi").orElseThrow();
        assertTrue(all.contains("wwcorpa"), all);
        assertFalse(all.contains("secret-a") || all.contains(token), all);
    }

    @Test
    void nodelay_isOnForTheJdkServer() {
        assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** The appid and title every notice needs. */
    private static final String VALID = "\"appid\":\"wx0123456789abcdef\",\"title\":\"会议提醒\"";

    private static String send(String token) {
        return "/cgi-bin/message/send?access_token=" + enc(token);
    }

    private static String notice(String recipients, String fields) {
        return "{" + recipients + ",\"msgtype\":\"miniprogram_notice\",\"miniprogram_notice\":{" + fields + "}}";
    }

    private static String ids(String prefix, int count) {
        StringBuilder ids = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            ids.append(i == 1 ? "" : "|").append(prefix).append(i);
        }
        return ids.toString();
    }

    private String token(String corpId, String secret) throws Exception {
        JsonNode body = get("/cgi-bin/gettoken?corpid=" + corpId + "&corpsecret=" + secret);
        return body.path("access_token").asText("");
    }

    private static String userGet(String token, String userId) {
        return "/cgi-bin/user/get?access_token=" + enc(token) + "&userid=" + enc(userId);
    }

    private static String session(String token, String code) {
        return "/cgi-bin/miniprogram/jscode2session?access_token=" + enc(token) + "&js_code=" + enc(code)
                + "&grant_type=authorization_code";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private JsonNode get(String pathAndQuery) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(wecom.baseUrl() + pathAndQuery)).build()).body());
    }

    private JsonNode post(String pathAndQuery, String body) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(wecom.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).body());
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertErrcode(int expected, JsonNode body) {
        assertEquals(expected, body.get("errcode").asInt(), body.toString());
        assertTrue(body.get("errmsg").asText().endsWith("devtool/query?e=" + expected), body.toString());
    }
}
