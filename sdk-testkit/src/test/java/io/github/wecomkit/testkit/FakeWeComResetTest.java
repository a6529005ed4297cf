package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.WeComClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link FakeWeCom#reset()}: after it, nothing a test did is left, and the port is the same. */
class FakeWeComResetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    /** The fields of FakeWeCom fixed when it starts (the clock's offset is cleared through the clock). */
    private static final Set<String> FIXED = Set.of("server", "executor", "clock", "tokenLifetime", "tokenBehaviour",
            "gettokenLimitPerMinute", "crossCorpLookup", "closed", "nextTokenSerial");
    /** The fields of FakeWeCom that reset() clears (collections emptied, delegates reset). */
    private static final Set<String> CLEARED_BY_RESET = Set.of("corps", "tokens", "currentTokens", "codes",
            "sessions", "gettokenTimes", "calls", "faults", "messages", "provider");

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).gettokenLimitPerMinute(2).start();
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    @Test
    void reset_letsTheSameCorpBeAddedAgain_onTheSamePort() {
        wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
        assertThrows(IllegalArgumentException.class, () -> wecom.addCorp("wwcorp", "secret"));
        String baseUrl = wecom.baseUrl();
        Clock clock = wecom.clock();

        wecom.reset();

        assertThrows(IllegalArgumentException.class, () -> wecom.corp("wwcorp"), "the corp is gone");
        wecom.addCorp("wwcorp", "secret");
        assertEquals(baseUrl, wecom.baseUrl());
        assertSame(clock, wecom.clock());
        assertTrue(wecom.corp("wwcorp").member("zhangsan").isEmpty(), "members went with their corp");
    }

    @Test
    void reset_forgetsEveryKindOfState() throws Exception {
        FakeCorp corp = wecom.addCorp("wwcorp", "secret");
        corp.addMember("zhangsan", "张三");
        corp.addMember("lisi", "李四");
        corp.app().hideMembers("lisi");
        String token = token();
        assertEquals(token, token(), "within its validity gettoken answers the same token");
        assertErrcode(45009, getToken(), "the gettoken window is full (limit 2)");
        String code = wecom.issueCode("wwcorp", "zhangsan");
        assertEquals(0, post("/cgi-bin/message/send?access_token=" + enc(token),
                "{\"touser\":\"zhangsan\",\"msgtype\":\"text\",\"agentid\":" + corp.app().agentId()
                        + ",\"text\":{\"content\":\"hi\"}}").get("errcode").asInt());
        wecom.failNext(FakeApi.USER_GET, 1, 60020);
        wecom.respondNext(FakeApi.JSCODE2SESSION, 1, 502, "<html>Bad Gateway</html>");
        wecom.advance(Duration.ofMinutes(3));
        assertEquals(1, wecom.sentMessages().size());

        wecom.reset();

        assertEquals(T0, wecom.clock().instant(), "the clock is back at its base");
        for (FakeApi api : FakeApi.values()) {
            assertEquals(0, wecom.calls(api), api + " counter");
        }
        assertEquals(List.of(), wecom.sentMessages());
        assertEquals(List.of(), wecom.liveTokens("wwcorp"));
        assertErrcode(40013, getToken(), "no corp any more");

        FakeCorp again = wecom.addCorp("wwcorp", "secret");
        again.addMember("zhangsan", "张三");
        again.addMember("lisi", "李四");
        assertErrcode(40014, get(userGet(token, "zhangsan")), "tokens issued before the reset are unknown");
        String fresh = token();
        assertNotEquals(token, fresh, "no current token carried over");
        assertEquals(0, get(userGet(fresh, "lisi")).get("errcode").asInt(),
                "hidden members and the scripted 60020 are gone");
        assertErrcode(40029, get(session(fresh, code)), "codes issued before the reset are unknown");
        String newCode = wecom.issueCode("wwcorp", "zhangsan");
        assertEquals("zhangsan", get(session(fresh, newCode)).get("userid").asText(),
                "the scripted 502 is gone");
        assertEquals(0, getToken().get("errcode").asInt(), "the gettoken window starts empty again");
        assertEquals(List.of(fresh), wecom.liveTokens("wwcorp"));
    }

    @Test
    void awaitCalls_acrossAReset_countsTheNewWorldsCalls() throws Exception {
        wecom.addCorp("wwcorp", "secret");
        token();
        assertTrue(wecom.awaitCalls(FakeApi.GET_TOKEN, 1, Duration.ZERO));
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return wecom.awaitCalls(FakeApi.GET_TOKEN, 2, Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        wecom.reset();

        assertFalse(wecom.awaitCalls(FakeApi.GET_TOKEN, 1, Duration.ZERO), "counting starts from zero again");
        wecom.addCorp("wwcorp", "secret");
        token();
        token();
        assertTrue(waiter.get(20, TimeUnit.SECONDS), "a waiter from before the reset sees the new calls");
    }

    @Test
    void aClientBuiltBeforeTheReset_keepsWorking_onceItsCorpIsBack() {
        wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
        try (WeComClient client = WeComClient.builder().corpId("wwcorp").secret("secret")
                .baseUrl(wecom.baseUrl()).clock(wecom.clock()).build()) {
            assertEquals("张三", client.getUser("zhangsan").name());

            wecom.reset();
            wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");

            assertEquals("张三", client.getUser("zhangsan").name());
            assertEquals(1, wecom.calls(FakeApi.GET_TOKEN), "its old token got 40014; it fetched a new one");
            assertEquals(2, wecom.calls(FakeApi.USER_GET));
        }
    }

    /**
     * Keeps reset() complete as the fake grows: a new field of FakeWeCom fails here until it is placed, in
     * {@link #CLEARED_BY_RESET} once reset() clears it, or in {@link #FIXED} if it is fixed at start.
     */
    @Test
    void everyFieldOfFakeWeCom_isFixedAtStart_orClearedByReset() {
        Set<String> unplaced = new TreeSet<>();
        for (Field field : FakeWeCom.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
                unplaced.add(field.getName());
                assertTrue(Modifier.isFinal(field.getModifiers()), field + " must be final: reset() clears in place");
            }
        }
        unplaced.removeAll(FIXED);
        unplaced.removeAll(CLEARED_BY_RESET);
        assertEquals(Set.of(), unplaced, "FakeWeCom has fields that reset() does not know: clear per-test state in"
                + " reset() and list it in CLEARED_BY_RESET; configuration fixed at start goes into FIXED");
    }

    @Test
    void reset_forgetsSuitesAndSentNotices() throws Exception {
        wecom.addSuite("wwsuite0000000001", "suite-secret");
        wecom.provider("wwprovider", "provider-secret");

        wecom.reset();

        assertThrows(IllegalArgumentException.class, () -> wecom.suite("wwsuite0000000001"));
        wecom.addSuite("wwsuite0000000001", "suite-secret"); // the same suite can be added again
        assertEquals(List.of(), wecom.sentNotices());
        assertEquals(List.of(), wecom.liveProviderTokens("wwprovider"));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private JsonNode getToken() throws Exception {
        return get("/cgi-bin/gettoken?corpid=wwcorp&corpsecret=secret");
    }

    private String token() throws Exception {
        JsonNode body = getToken();
        assertEquals(0, body.get("errcode").asInt(), body.toString());
        return body.get("access_token").asText();
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
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(wecom.baseUrl() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String pathAndQuery, String body) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(wecom.baseUrl() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static void assertErrcode(int expected, JsonNode body, String why) {
        assertEquals(expected, body.get("errcode").asInt(), why + ": " + body);
    }
}
