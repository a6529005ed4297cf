package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.TOKEN_2;
import static io.github.wecomkit.testing.Payloads.USER;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.SystemBusyException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.TokenRejectedException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every code of {@link WeComErrorCode} as WeCom would send it, and what a caller gets. */
@Timeout(30)
class ErrorTableTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String GETTOKEN = "/cgi-bin/gettoken";
    private static final String USER_GET = "/cgi-bin/user/get";
    private static final String JSCODE2SESSION = "/cgi-bin/miniprogram/jscode2session";
    private static final String ERRMSG = "invalid something, 中文说明 & <tag>";

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final ManualExecutor executor = new ManualExecutor();

    private WeComClient client() {
        return client(RetryPolicy.defaults());
    }

    private WeComClient client(RetryPolicy policy) {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wm.baseUrl()).clock(clock)
                .retryPolicy(policy).sleeper(sleeper).refreshExecutor(executor).build();
    }

    /** gettoken answers TOKEN_1, then TOKEN_2 for every later call. */
    private static void stubTwoTokens() {
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).inScenario("tokens").whenScenarioStateIs(STARTED)
                .willReturn(okJson(Payloads.token(TOKEN_1, 7200))).willSetStateTo("second"));
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson(Payloads.token(TOKEN_2, 7200))));
    }

    private static void stubUserGetError(int errcode) {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.error(errcode, ERRMSG))));
    }

    private static int count(String path) {
        return wm.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    private static String sentErrmsg(int errcode) {
        // Payloads.error appends WeCom's usual hint (request id, ip, help link) to the message.
        return Payloads.error(errcode, ERRMSG).replaceFirst("^\\{\"errcode\":-?\\d+,\"errmsg\":\"", "")
                .replaceFirst("\"}$", "");
    }

    private static void assertCarries(WeComApiException e, int errcode, String api) {
        assertEquals(errcode, e.errcode());
        assertEquals(sentErrmsg(errcode), e.errmsg(), "errmsg kept as WeCom sent it");
        assertEquals(api, e.api());
        assertTrue(e.getMessage().endsWith("errcode=" + errcode + ", errmsg=" + sentErrmsg(errcode) + ", api=" + api),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(WeComErrorCode.class)
    void getUser_whenWeComAnswersTableCode_throwsTheTablesTypeWithCodeMessageAndApi(WeComErrorCode code) {
        stubTwoTokens();
        stubUserGetError(code.code());
        WeComClient client = client();

        WeComApiException e = assertThrows(WeComApiException.class, () -> client.getUser(USER_ID));

        boolean tokenRejection = code == WeComErrorCode.INVALID_ACCESS_TOKEN
                || code == WeComErrorCode.ACCESS_TOKEN_EXPIRED;
        // A rejection of the token fetched for the rejection is a configuration failure of its own type.
        assertSame(tokenRejection ? TokenRejectedException.class : code.exceptionType(), e.getClass());
        if (tokenRejection) {
            assertEquals(code.code(), e.errcode());
            assertEquals(sentErrmsg(code.code()), e.errmsg());
            assertFalse(e.retryable());
        } else {
            assertCarries(e, code.code(), "user/get");
            assertEquals(code.retry().retryable(), e.retryable());
        }
        assertEquals(code, e.knownCode().orElseThrow());
        assertTrue(e.getMessage().contains(code.meaning()), e.getMessage());
        int expectedUserGets;
        int expectedTokens = 1;
        if (code == WeComErrorCode.SYSTEM_BUSY) {
            expectedUserGets = 1 + RetryPolicy.DEFAULT_MAX_RETRIES;
        } else if (code == WeComErrorCode.INVALID_ACCESS_TOKEN || code == WeComErrorCode.ACCESS_TOKEN_EXPIRED) {
            expectedUserGets = 2;
            expectedTokens = 2;
        } else {
            expectedUserGets = 1;
        }
        assertEquals(expectedUserGets, count(USER_GET), "user/get calls");
        assertEquals(expectedTokens, count(GETTOKEN), "gettoken calls");
        assertEquals(expectedUserGets - 1 - (expectedTokens - 1), sleeper.count(), "retry waits");
    }

    @ParameterizedTest
    @EnumSource(WeComErrorCode.class)
    void toException_buildsTheDeclaredTypeForEveryEntry(WeComErrorCode code) {
        WeComApiException e = WeComErrorCode.toException(code.code(), "msg", "some/api");

        assertSame(code.exceptionType(), e.getClass());
        assertSame(code, WeComErrorCode.find(code.code()));
        assertEquals(code.retry().retryable(), e.retryable());
        assertFalse(code.meaning().isBlank());
    }

    @Test
    void table_codesAreUniqueAndTheDocumentedTypesAreWhereTheContractSaysTheyAre() {
        assertEquals(WeComErrorCode.values().length,
                Set.of(EnumSet.allOf(WeComErrorCode.class).stream().map(WeComErrorCode::code).toArray()).size());
        assertSame(NoPrivilegeException.class, WeComErrorCode.find(60011).exceptionType());
        assertSame(UserNotFoundException.class, WeComErrorCode.find(60111).exceptionType());
        assertSame(InvalidCodeException.class, WeComErrorCode.find(40029).exceptionType());
        for (int credential : new int[] {40001, 40013, 40091, 40080}) {
            assertSame(InvalidCredentialException.class, WeComErrorCode.find(credential).exceptionType());
        }
        assertSame(io.github.wecomkit.error.IpNotAllowedException.class, WeComErrorCode.find(60020).exceptionType());
        assertSame(RateLimitedException.class, WeComErrorCode.find(45009).exceptionType());
        assertSame(RateLimitedException.class, WeComErrorCode.find(45033).exceptionType());
        assertSame(SystemBusyException.class, WeComErrorCode.find(-1).exceptionType());
        assertSame(WeComErrorCode.Retry.RETRY, WeComErrorCode.find(-1).retry());
        assertSame(WeComErrorCode.Retry.REFRESH_TOKEN, WeComErrorCode.find(40014).retry());
        assertSame(WeComErrorCode.Retry.REFRESH_TOKEN, WeComErrorCode.find(42001).retry());
        assertSame(WeComErrorCode.Retry.AFTER_WAIT, WeComErrorCode.find(45009).retry());
        assertSame(WeComErrorCode.Retry.AFTER_WAIT, WeComErrorCode.find(45033).retry());
        assertSame(WeComErrorCode.Retry.NEVER, WeComErrorCode.find(60011).retry());
        assertNull(WeComErrorCode.find(0));
        assertNull(WeComErrorCode.find(12345));
    }

    @Test
    void login_whenCodeAlreadyUsed_throwsInvalidCodeOnceWithoutResending() {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(JSCODE2SESSION)).willReturn(okJson(Payloads.error(40029, ERRMSG))));
        WeComClient client = client();

        InvalidCodeException e = assertThrows(InvalidCodeException.class, () -> client.login(CODE));

        assertCarries(e, 40029, "miniprogram/jscode2session");
        assertFalse(e.retryable());
        assertEquals(1, count(JSCODE2SESSION));
        assertEquals(0, sleeper.count());
    }

    @Test
    void getUser_whenCodeIsUnknown_throwsPlainApiExceptionKeepingTheCode() {
        stubTwoTokens();
        stubUserGetError(12345);
        WeComClient client = client();

        WeComApiException e = assertThrows(WeComApiException.class, () -> client.getUser(USER_ID));

        assertSame(WeComApiException.class, e.getClass());
        assertCarries(e, 12345, "user/get");
        assertTrue(e.knownCode().isEmpty());
        assertFalse(e.retryable());
        assertEquals(1, count(USER_GET));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5})
    void getUser_whenSystemBusyPersists_retriesExactlyMaxRetriesThenThrowsSystemBusy(int maxRetries) {
        stubTwoTokens();
        stubUserGetError(-1);
        RetryPolicy policy = RetryPolicy.builder().maxRetries(maxRetries).initialBackoff(Duration.ofMillis(100))
                .maxBackoff(Duration.ofMillis(400)).build();
        WeComClient client = client(policy);

        SystemBusyException e = assertThrows(SystemBusyException.class, () -> client.getUser(USER_ID));

        assertCarries(e, -1, "user/get");
        assertTrue(e.retryable());
        assertEquals(1 + maxRetries, count(USER_GET));
        assertEquals(maxRetries, sleeper.count());
        for (int i = 0; i < sleeper.count(); i++) {
            long capped = Math.min(400, 100L << i);
            long waited = sleeper.waits().get(i).toMillis();
            assertTrue(waited >= capped / 2 && waited <= capped, "wait " + i + " = " + waited + " ms");
        }
    }

    @Test
    void getUser_whenSystemBusyThenOk_returnsTheMember() {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(USER_GET)).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(okJson(Payloads.error(-1, "system busy"))).willSetStateTo("ok"));
        wm.stubFor(get(urlPathEqualTo(USER_GET)).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(okJson(USER)));

        Member m = client().getUser(USER_ID);

        assertEquals(USER_ID, m.userId());
        assertEquals(2, count(USER_GET));
        assertEquals(1, sleeper.count());
    }

    @Test
    void login_whenSystemBusyPersists_retriesJscode2sessionToo() {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(JSCODE2SESSION)).willReturn(okJson(Payloads.error(-1, ERRMSG))));

        SystemBusyException e = assertThrows(SystemBusyException.class, () -> client().login(CODE));

        assertCarries(e, -1, "miniprogram/jscode2session");
        assertEquals(1 + RetryPolicy.DEFAULT_MAX_RETRIES, count(JSCODE2SESSION));
    }

    @ParameterizedTest
    @ValueSource(ints = {40014, 42001})
    void getUser_whenTokenRejected_invalidatesRefreshesAndRetriesOnce(int errcode) {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(errcode, ERRMSG))));
        wm.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_2))
                .willReturn(okJson(USER)));
        WeComClient client = client();

        Member m = client.getUser(USER_ID);
        client.getUser(USER_ID);

        assertEquals(USER_ID, m.userId());
        assertEquals(2, count(GETTOKEN), "one gettoken at start, one after the rejection");
        assertEquals(3, count(USER_GET), "rejected call, its one retry, then the next call on the new token");
        assertEquals(2, wm.findAll(getRequestedFor(urlPathEqualTo(USER_GET))
                .withQueryParam("access_token", equalTo(TOKEN_2))).size());
        assertEquals(0, sleeper.count(), "a token refresh is not a backoff retry");
    }

    @ParameterizedTest
    @ValueSource(ints = {40014, 42001})
    void login_whenTokenRejected_refreshesAndResendsTheCodeOnce(int errcode) {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(JSCODE2SESSION)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(errcode, ERRMSG))));
        wm.stubFor(get(urlPathEqualTo(JSCODE2SESSION)).withQueryParam("access_token", equalTo(TOKEN_2))
                .willReturn(okJson(Payloads.session(CORP_ID, USER_ID))));

        LoginSession s = client().login(CODE);

        assertEquals(USER_ID, s.userId());
        assertEquals(2, count(GETTOKEN));
        assertEquals(2, count(JSCODE2SESSION));
    }

    @ParameterizedTest
    @ValueSource(ints = {40014, 42001})
    void getUser_whenNewTokenIsRejectedToo_throwsTokenRejectedAfterExactlyOneRetry(int errcode) {
        stubTwoTokens();
        stubUserGetError(errcode);

        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> client().getUser(USER_ID));

        assertEquals(errcode, e.errcode());
        assertEquals("user/get", e.api());
        assertTrue(e.getMessage().contains("errcode=" + errcode), e.getMessage());
        assertEquals(2, count(GETTOKEN));
        assertEquals(2, count(USER_GET));
    }

    @Test
    void getUser_whenGettokenKeepsAnsweringTheRejectedToken_staysBounded() {
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.token(TOKEN_1, 7200))));
        stubUserGetError(40014);

        WeComApiException e = assertThrows(WeComApiException.class, () -> client().getUser(USER_ID));

        assertEquals(40014, e.errcode());
        assertInstanceOf(TokenRejectedException.class, e);
        assertEquals(2, count(USER_GET));
        // the first fetch, then one for the rejection: its answer is final, whatever its value
        assertEquals(2, count(GETTOKEN));
    }

    @ParameterizedTest
    @ValueSource(ints = {40001, 40013, 40091, 40080})
    void getUser_whenGettokenRejectsCredentials_failsFastAndDoesNotAskAgainWithinTheCooldown(int errcode) {
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.error(errcode, ERRMSG))));
        WeComClient client = client();

        InvalidCredentialException first = assertThrows(InvalidCredentialException.class,
                () -> client.getUser(USER_ID));
        clock.advance(Duration.ofSeconds(9));
        InvalidCredentialException second = assertThrows(InvalidCredentialException.class,
                () -> client.login(CODE));

        assertCarries(first, errcode, "gettoken");
        assertCarries(second, errcode, "gettoken");
        assertFalse(first.retryable());
        assertEquals(1, count(GETTOKEN), "gettoken is not asked again within the cooldown");
        assertEquals(0, count(USER_GET));
        assertEquals(0, count(JSCODE2SESSION));
        assertEquals(0, sleeper.count());

        clock.advance(Duration.ofSeconds(2));
        assertThrows(InvalidCredentialException.class, () -> client.getUser(USER_ID));
        assertEquals(2, count(GETTOKEN), "after the cooldown a corrected secret would be picked up");
    }

    @ParameterizedTest
    @ValueSource(ints = {45009, 45033})
    void getUser_whenRateLimited_neverRetries(int errcode) {
        stubTwoTokens();
        stubUserGetError(errcode);

        RateLimitedException e = assertThrows(RateLimitedException.class, () -> client().getUser(USER_ID));

        assertCarries(e, errcode, "user/get");
        assertTrue(e.retryable(), "the caller may retry after waiting; the SDK does not");
        assertEquals(1, count(USER_GET));
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @ValueSource(ints = {45009, 45033})
    void getUser_whenGettokenRateLimited_neverRetriesGettoken(int errcode) {
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.error(errcode, ERRMSG))));
        WeComClient client = client();

        assertThrows(RateLimitedException.class, () -> client.getUser(USER_ID));
        assertThrows(RateLimitedException.class, () -> client.getUser(USER_ID));

        assertEquals(1, count(GETTOKEN));
        assertEquals(0, count(USER_GET));
        assertEquals(0, sleeper.count());
    }

    @Test
    void getUser_whenGettokenSystemBusy_retriesGettokenWithinPolicy() {
        wm.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.error(-1, ERRMSG))));

        SystemBusyException e = assertThrows(SystemBusyException.class, () -> client().getUser(USER_ID));

        assertEquals("gettoken", e.api());
        assertEquals(1 + RetryPolicy.DEFAULT_MAX_RETRIES, count(GETTOKEN));
        assertEquals(0, count(USER_GET));
    }

    @Test
    void getUser_whenErrmsgEchoesTheAccessToken_redactsIt() {
        stubTwoTokens();
        wm.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(
                okJson("{\"errcode\":60011,\"errmsg\":\"no privilege to access/modify contact/party/agent, token "
                        + TOKEN_1 + "\"}")));

        NoPrivilegeException e = assertThrows(NoPrivilegeException.class, () -> client().getUser(USER_ID));

        assertFalse(e.errmsg().contains(TOKEN_1), e.errmsg());
        assertFalse(e.getMessage().contains(TOKEN_1), e.getMessage());
        assertTrue(e.errmsg().endsWith("token <redacted>"), e.errmsg());
    }
}
