package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.SESSION_KEY;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.TOKEN_2;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every scenario a backend meets (success, token refresh, WeCom errors, transport faults, bad bodies, a
 * broken store, a foreign corp) with every log level on, and checks that no secret, token, session key or login
 * code appears in a log line, an exception (message, cause chain, stack trace) or a {@code toString()}.
 */
class SecretsNeverLeakTest {
    private static final String GETTOKEN = "/cgi-bin/gettoken";
    private static final String JSCODE = "/cgi-bin/miniprogram/jscode2session";
    private static final String USER_GET = "/cgi-bin/user/get";
    private static final String SEND = "/cgi-bin/message/send";
    private static final String SECRET_B = "second-corp-Secret-Value-9876543210zyxwvu";
    private static final String[] SECRETS = {SECRET, SECRET_B, TOKEN_1, TOKEN_2, SESSION_KEY};

    @RegisterExtension
    static WireMockExtension wecom = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final List<String> seen = new ArrayList<>();
    private int codes;

    @BeforeEach
    void setUp() {
        LogCapture.clear();
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(Payloads.token(TOKEN_1, 7200))).willSetStateTo("second"));
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).inScenario("t").whenScenarioStateIs("second")
                .willReturn(okJson(Payloads.token(TOKEN_2, 7200))));
    }

    private WeComClient client() {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wecom.baseUrl()).clock(clock)
                .requestTimeout(Duration.ofMillis(500)).sleeper(d -> { }).build();
    }

    /** A fresh login code per scenario, all of which must stay out of every output. */
    private String code() {
        return "code-" + (++codes) + "-061Ji5Ga1GkTpK0JsBHa1yJ5Ga1Ji5GG";
    }

    private void scenario(String name, Supplier<Object> call) {
        try {
            Object result = call.get();
            seen.add(name + " -> " + result);
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            seen.add(name + " -> " + e + "\n" + trace);
        }
    }

    @Test
    void noScenario_showsASecretTokenSessionKeyOrCode() {
        WeComClient client = client();
        seen.add(client.toString());

        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.session(CORP_ID, USER_ID))));
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.USER)));
        scenario("login", () -> client.login(code()));
        scenario("getUser", () -> client.getUser(USER_ID));

        // WeCom rejects the token, echoing it (it does not today; the SDK must not rely on that).
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(40014, "invalid access_token " + TOKEN_1))));
        scenario("40014 then refresh", () -> client.getUser(USER_ID));

        String usedCode = code();
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.error(40029, "invalid code " + usedCode))));
        scenario("40029 echoing the code", () -> client.login(usedCode));

        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.error(60011, "no privilege"))));
        scenario("60011", () -> client.getUser(USER_ID));
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.error(-1, "system busy"))));
        scenario("-1 after retries", () -> client.getUser(USER_ID));

        String htmlCode = code();
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(aResponse().withStatus(502)
                .withBody("<html>bad gateway for js_code=" + htmlCode + "</html>")));
        scenario("HTML 502", () -> client.login(htmlCode));
        String bodyCode = code();
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(aResponse().withStatus(200)
                .withBody("<html>" + bodyCode + " " + SESSION_KEY + "</html>")));
        scenario("HTML 200", () -> client.login(bodyCode));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(aResponse()
                .withBody("{\"corpid\":\"" + CORP_ID + "\",\"session_key\":\"" + SESSION_KEY + "\",\"errcode\":\"x")));
        scenario("truncated JSON", () -> client.login(code()));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        scenario("connection reset", () -> client.login(code()));
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.USER).withFixedDelay(1500)));
        scenario("timeout", () -> client.getUser(USER_ID));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.session("wwforeign", USER_ID))));
        scenario("foreign corp", () -> client.login(code()));

        scenario("bad input", () -> client.login("bad\ncode " + SECRET));
        scenario("unreachable", () -> WeComClient.builder().corpId(CORP_ID).secret(SECRET)
                .baseUrl("http://127.0.0.1:1").retryPolicy(RetryPolicy.none()).build().login(code()));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.error(40014,
                "invalid access_token " + TOKEN_2))));
        scenario("token rejected right after its fetch", () -> client().login(code()));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.session(CORP_ID, USER_ID))));
        WeComClient serving = WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wecom.baseUrl())
                .clock(clock).sleeper(d -> { }).retryPolicy(RetryPolicy.none()).refreshExecutor(Runnable::run).build();
        scenario("login before gettoken fails", () -> serving.login(code()));
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).atPriority(1).willReturn(okJson(Payloads.error(-1,
                "busy " + SECRET))));
        clock.advance(Duration.ofSeconds(7150)); // a refresh is due and fails: served, with one WARN
        scenario("served while gettoken fails", () -> serving.login(code()));
        scenario("status while failing", serving::tokenStatus);
        scenario("wrong secret", () -> {
            wecom.resetToDefaultMappings();
            wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.error(40001, "invalid secret"))));
            return client().login(code());
        });
        seen.add(AccessToken.of(TOKEN_1, Instant.EPOCH, Instant.EPOCH.plusSeconds(7200)).toString());
        seen.add(new InMemoryTokenStore().toString());

        String everything = String.join("\n", seen) + "\n" + LogCapture.allText();
        assertTrue(seen.size() >= 22, "every scenario ran: " + seen.size());
        assertTrue(everything.contains("TokenRejectedException"), "the rejected-token scenario ran");
        assertTrue(LogCapture.allText().contains("stays in use until"), "the failing-refresh warning was logged");
        assertFalse(LogCapture.events().isEmpty(), "logging was on and captured");
        for (String secret : SECRETS) {
            if (everything.contains(secret)) {
                fail("leaked " + secret.substring(0, 6) + "... in:\n" + everything);
            }
        }
        for (int i = 1; i <= codes; i++) {
            String code = "code-" + i + "-061Ji5Ga1GkTpK0JsBHa1yJ5Ga1Ji5GG";
            assertFalse(everything.contains(code), "leaked login code #" + i);
        }
        assertEquals(0, count(everything, "js_code="), "no query string in any output");
    }

    /**
     * The paths of notices, raw API calls and several corps: the token (and each corp's secret) stays out of
     * every output, including the value {@code accessToken()} hands out; a notice's text is not a secret.
     */
    @Test
    void noticesRawCallsAndSeveralCorps_showNoSecretOrToken() {
        WeComClient client = client();
        MiniProgramNotice notice = MiniProgramNotice.builder().appId("wx0123456789abcdef").title("会议室预订成功")
                .toUsers(USER_ID).build();
        seen.add(notice.toString());
        seen.add(client.messages().toString() + " " + client.api());

        wecom.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson("{\"errcode\":0,\"errmsg\":\"ok\","
                + "\"invaliduser\":\"ghost\",\"msgid\":\"m1\"}")));
        scenario("notice", () -> client.messages().send(notice));
        wecom.stubFor(post(urlPathEqualTo(SEND)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(40014, "invalid access_token " + TOKEN_1))));
        scenario("notice after a rejected token", () -> client.messages().send(notice));
        wecom.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson(Payloads.error(48002, "api forbidden " + TOKEN_2))));
        scenario("notice 48002", () -> client.messages().send(notice));
        wecom.stubFor(post(urlPathEqualTo(SEND)).willReturn(okJson(Payloads.error(81013, "all invalid"))));
        scenario("notice 81013", () -> client.messages().send(notice));
        wecom.stubFor(post(urlPathEqualTo(SEND)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        scenario("notice reset", () -> client.messages().send(notice));

        wecom.stubFor(get(urlPathEqualTo("/cgi-bin/department/list"))
                .willReturn(okJson(Payloads.error(60011, "no privilege for " + TOKEN_2))));
        scenario("raw get 60011", () -> client.get("department/list", Map.of("id", "1")));
        String oauthCode = code();
        wecom.stubFor(get(urlPathEqualTo("/cgi-bin/auth/getuserinfo"))
                .willReturn(okJson(Payloads.error(40029, "invalid code " + oauthCode))));
        scenario("raw get with a code", () -> client.get("auth/getuserinfo", Map.of("code", oauthCode)));
        wecom.stubFor(post(urlPathEqualTo("/cgi-bin/tag/create")).willReturn(aResponse().withStatus(200)
                .withBody("<html>" + TOKEN_2 + "</html>")));
        scenario("raw post HTML", () -> client.post("tag/create", Map.of("tagname", "x")));
        scenario("raw post to a bad path", () -> client.post("../gettoken?corpsecret=" + SECRET, Map.of()));
        scenario("raw get with access_token", () -> client.get("user/get", Map.of("access_token", TOKEN_2)));
        String handedOut = client.accessToken(); // the one place a token leaves wecomkit, on purpose
        assertEquals(TOKEN_2, handedOut);

        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.session("wwcorpb", USER_ID))));
        WeComCorps corps = WeComCorps.builder().corp(CORP_ID, SECRET).corp("wwcorpb", SECRET_B)
                .settings(WeComClient.builder().baseUrl(wecom.baseUrl()).clock(clock).sleeper(d -> { })).build();
        seen.add(corps.toString());
        scenario("relogin", () -> corps.login(code()));
        scenario("corp not served", () -> corps.login(code(), "wwforeign"));
        scenario("add a corp", () -> corps.addCorp("wwcorpc", SECRET_B + "-c"));
        corps.close();

        String everything = String.join("\n", seen) + "\n" + LogCapture.allText();
        assertTrue(seen.size() >= 15, "every scenario ran: " + seen.size());
        assertTrue(everything.contains("ReloginRequiredException"), "the relogin scenario ran");
        for (String secret : SECRETS) {
            if (everything.contains(secret)) {
                fail("leaked " + secret.substring(0, 6) + "... in:\n" + everything);
            }
        }
        assertFalse(everything.contains(SECRET_B + "-c"));
        for (int i = 1; i <= codes; i++) {
            assertFalse(everything.contains("code-" + i + "-061Ji5Ga1GkTpK0JsBHa1yJ5Ga1Ji5GG"), "leaked code #" + i);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
