package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.testing.TestCa;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input fails at once, says which argument and why, never shows the value, and sends nothing. */
@Timeout(30)
class InputValidationTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** Recognisable, so a message that echoes the value is caught. */
    private static final String MARK = "MARKzq7";

    private WeComClient client() {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(Payloads.token(TOKEN_1, 7200))));
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wm.baseUrl())
                .sleeper(new RecordingSleeper()).build();
    }

    @AfterEach
    void nothingReachedWeCom() {
        assertEquals(0, wm.getAllServeEvents().size(), "requests sent for bad input");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("empty", "", "is blank"),
                Arguments.of("spaces", "   ", "is blank"),
                Arguments.of("full-width space", "\u3000", "is blank"),
                Arguments.of("too long", MARK + "x".repeat(1025 - MARK.length()), "is too long: 1025 chars"),
                Arguments.of("newline", MARK + "\n", "contains a control character at index 7"),
                Arguments.of("carriage return", MARK + "\r\nX-Injected: 1", "contains a control character"),
                Arguments.of("NUL", MARK + "\u0000", "contains a control character"),
                Arguments.of("DEL", MARK + "\u007f", "contains a control character"),
                Arguments.of("tab", "\t" + MARK, "contains a control character at index 0"));
    }

    private static void assertRejected(String argument, String rule, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(argument + " "), e.getMessage());
        assertTrue(e.getMessage().contains(rule), e.getMessage());
        assertFalse(e.getMessage().contains(MARK), "the value is echoed: " + e.getMessage());
    }

    @Test
    void login_whenCodeIsNull_throwsNpeNamingIt() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> client().login(null));
        assertEquals("code == null", e.getMessage());
    }

    @Test
    void getUser_whenUserIdIsNull_throwsNpeNamingIt() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> client().getUser(null));
        assertEquals("userId == null", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void login_whenCodeIsBad_rejectsItBeforeAnyRequest(String what, String value, String rule) {
        assertRejected("code", rule, () -> client().login(value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void getUser_whenUserIdIsBad_rejectsItBeforeAnyRequest(String what, String value, String rule) {
        assertRejected("userId", rule, () -> client().getUser(value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void builder_whenSecretIsBad_rejectsItWithoutShowingIt(String what, String value, String rule) {
        assertRejected("secret", rule, () -> WeComClient.builder().secret(value));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void builder_whenCorpIdIsBad_rejectsIt(String what, String value, String rule) {
        assertRejected("corpId", rule, () -> WeComClient.builder().corpId(value));
    }

    @Test
    void builder_whenAnAcceptedCorpIdIsBad_rejectsIt() {
        assertRejected("corpIds element", "contains a control character",
                () -> WeComClient.builder().acceptedCorpIds("wwok", MARK + "\n"));
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> WeComClient.builder().acceptedCorpIds("wwok", null));
        assertEquals("corpIds element == null", e.getMessage());
    }

    @Test
    void builder_whenCorpIdMissing_throwsIllegalStateNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WeComClient.builder().secret(SECRET).build());
        assertTrue(e.getMessage().startsWith("corpId is required"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void builder_whenSecretMissing_throwsIllegalStateNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WeComClient.builder().corpId(CORP_ID).build());
        assertTrue(e.getMessage().startsWith("secret is required: call secret(..) with the secret of the"
                + " mini-program's app"), e.getMessage());
    }

    /** The README's System.getenv("WECOM_SECRET") with the variable unset: the builder's message, not an NPE. */
    @Test
    void builder_whenSecretIsNull_failsAtBuild_namingTheOptionAndTheLikelyCause() {
        WeComClient.Builder builder = WeComClient.builder().corpId(CORP_ID).secret(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertEquals("secret is required, but secret(null) was called: is the variable it is read from set (e.g."
                + " WECOM_SECRET)? It is the secret of the mini-program's app (admin console: App Management, the"
                + " app, Secret)", e.getMessage());
    }

    @Test
    void builder_whenCorpIdIsNull_failsAtBuild_namingTheOption() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WeComClient.builder().corpId(null).secret(SECRET).build());
        assertTrue(e.getMessage().startsWith("corpId is required, but corpId(null) was called"), e.getMessage());
        assertTrue(e.getMessage().contains("My Company"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
    }

    @Test
    void builder_aValueAfterANull_isTaken() {
        assertEquals(CORP_ID, WeComClient.builder().corpId(null).corpId(CORP_ID).secret(null).secret(SECRET).build()
                .corpId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://qyapi.weixin.qq.com", "qyapi.weixin.qq.com", "/cgi-bin", "http://",
            "http://host:80/?a=b", "https://host#frag", "http://bad host/"})
    void builder_whenBaseUrlIsBad_rejectsItShowingTheValue(String baseUrl) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeComClient.builder().baseUrl(baseUrl));
        assertTrue(e.getMessage().startsWith("baseUrl "), e.getMessage());
        assertTrue(e.getMessage().endsWith(baseUrl), e.getMessage());
    }

    @Test
    void builder_whenBaseUrlHasATrailingSlash_stripsIt() {
        wm.resetRequests();
        WeComClient client = WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl("https://example.com/")
                .build();
        assertTrue(client.toString().contains("baseUrl=https://example.com,"), client.toString());
    }

    static Stream<Arguments> badDurations() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1)}) {
            all.add(Arguments.of("connectTimeout", bad, (Consumer<WeComClient.Builder>) b -> b.connectTimeout(bad)));
            all.add(Arguments.of("requestTimeout", bad, (Consumer<WeComClient.Builder>) b -> b.requestTimeout(bad)));
        }
        Duration negative = Duration.ofSeconds(-5);
        all.add(Arguments.of("tokenRefreshAhead", negative,
                (Consumer<WeComClient.Builder>) b -> b.tokenRefreshAhead(negative)));
        all.add(Arguments.of("tokenExpiryMargin", negative,
                (Consumer<WeComClient.Builder>) b -> b.tokenExpiryMargin(negative)));
        return all.build();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badDurations")
    void builder_whenADurationIsOutOfRange_rejectsItShowingTheValue(String option, Duration bad,
                                                                   Consumer<WeComClient.Builder> set) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> set.accept(WeComClient.builder()));
        assertTrue(e.getMessage().startsWith(option + " must"), e.getMessage());
        assertTrue(e.getMessage().endsWith(bad.toString()), e.getMessage());
    }

    static Stream<Arguments> nulls() {
        return Stream.of(
                Arguments.of("baseUrl == null", (Consumer<WeComClient.Builder>) b -> b.baseUrl(null)),
                Arguments.of("tokenStore == null", (Consumer<WeComClient.Builder>) b -> b.tokenStore(null)),
                Arguments.of("connectTimeout == null", (Consumer<WeComClient.Builder>) b -> b.connectTimeout(null)),
                Arguments.of("requestTimeout == null", (Consumer<WeComClient.Builder>) b -> b.requestTimeout(null)),
                Arguments.of("httpClient == null", (Consumer<WeComClient.Builder>) b -> b.httpClient(null)),
                Arguments.of("clock == null", (Consumer<WeComClient.Builder>) b -> b.clock(null)),
                Arguments.of("retryPolicy == null", (Consumer<WeComClient.Builder>) b -> b.retryPolicy(null)),
                Arguments.of("executor == null", (Consumer<WeComClient.Builder>) b -> b.refreshExecutor(null)),
                Arguments.of("corpIds == null",
                        (Consumer<WeComClient.Builder>) b -> b.acceptedCorpIds((String[]) null)),
                Arguments.of("tokenRefreshAhead == null",
                        (Consumer<WeComClient.Builder>) b -> b.tokenRefreshAhead(null)),
                Arguments.of("proxy host == null", (Consumer<WeComClient.Builder>) b -> b.proxy(null, 3128)),
                Arguments.of("proxy username == null",
                        (Consumer<WeComClient.Builder>) b -> b.proxyCredentials(null, "p")),
                Arguments.of("proxy password == null",
                        (Consumer<WeComClient.Builder>) b -> b.proxyCredentials("u", null)),
                Arguments.of("proxySelector == null", (Consumer<WeComClient.Builder>) b -> b.proxySelector(null)),
                Arguments.of("sslContext == null", (Consumer<WeComClient.Builder>) b -> b.sslContext(null)));
    }

    // --- proxy and TLS options ---

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void builder_whenProxyHostIsBad_rejectsIt(String what, String value, String rule) {
        assertRejected("proxy host", rule, () -> WeComClient.builder().proxy(value, 3128));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://" + MARK + ":3128", MARK + ".corp/", "user@" + MARK, MARK + " corp"})
    void builder_whenProxyHostIsAUrl_rejectsItWithoutShowingIt(String value) {
        assertRejected("proxy host", "not a URL", () -> WeComClient.builder().proxy(value, 3128));
    }

    @Test
    void builder_whenProxyHostIncludesThePort_saysToPassItApart() {
        assertRejected("proxy host", "must not include the port",
                () -> WeComClient.builder().proxy(MARK + ".corp:3128", 3128));
    }

    @ParameterizedTest
    @ValueSource(strings = {"egress.corp.example", "10.0.0.5", "::1", "[fd00::5]"})
    void builder_acceptsProxyHostNamesAndAddresses(String host) {
        // an IPv6 literal has colons, yet names no port
        assertDoesNotThrow(() -> WeComClient.builder().corpId(CORP_ID).secret(SECRET).proxy(host, 3128).build());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void builder_whenProxyPortIsOutOfRange_rejectsItShowingTheValue(int port) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeComClient.builder().proxy("proxy", port));
        assertEquals("proxy port must be between 1 and 65535: " + port, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void builder_whenProxyUsernameIsBad_rejectsItWithoutShowingIt(String what, String value, String rule) {
        assertRejected("proxy username", rule, () -> WeComClient.builder().proxyCredentials(value, "p"));
    }

    @Test
    void builder_whenProxyCredentialsBreakBasicAuth_rejectsThemWithoutShowingThem() {
        assertRejected("proxy username", "must not contain ':'",
                () -> WeComClient.builder().proxyCredentials(MARK + ":x", "p"));
        assertRejected("proxy password", "contains a control character at index 7",
                () -> WeComClient.builder().proxyCredentials("u", MARK + "\r\nX-Injected: 1"));
    }

    static Stream<Arguments> conflictingTransportOptions() {
        HttpClient http = HttpClient.newHttpClient();
        return Stream.of(
                Arguments.of("proxy(..) and systemProxy() conflict",
                        (Consumer<WeComClient.Builder>) b -> b.proxy("p", 1).systemProxy()),
                Arguments.of("proxy(..) and proxySelector(..) conflict",
                        (Consumer<WeComClient.Builder>) b -> b.proxy("p", 1)
                                .proxySelector(ProxySelector.of(null))),
                Arguments.of("proxySelector(..) and systemProxy() conflict",
                        (Consumer<WeComClient.Builder>) b -> b.systemProxy()
                                .proxySelector(ProxySelector.of(null))),
                Arguments.of("proxyCredentials(..) needs a proxy",
                        (Consumer<WeComClient.Builder>) b -> b.proxyCredentials("u", "p")),
                Arguments.of("httpClient(..) conflicts with proxy(..), proxyCredentials(..)",
                        (Consumer<WeComClient.Builder>) b -> b.httpClient(http).proxy("p", 1)
                                .proxyCredentials("u", "p")),
                Arguments.of("httpClient(..) conflicts with systemProxy()",
                        (Consumer<WeComClient.Builder>) b -> b.httpClient(http).systemProxy()),
                Arguments.of("httpClient(..) conflicts with sslContext(..)",
                        (Consumer<WeComClient.Builder>) b -> b.httpClient(http)
                                .sslContext(TestCa.get().clientContext())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflictingTransportOptions")
    void build_whenTransportOptionsConflict_throwsIllegalStateNamingThem(String message,
                                                                        Consumer<WeComClient.Builder> set) {
        WeComClient.Builder b = WeComClient.builder().corpId(CORP_ID).secret(SECRET);
        set.accept(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void builder_whenSslContextIsNotInitialised_rejectsIt() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeComClient.builder().sslContext(SSLContext.getInstance("TLS")));
        assertEquals("sslContext is not initialised: call its init(..) first", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nulls")
    void builder_whenAnOptionIsNull_throwsNpeNamingIt(String message, Consumer<WeComClient.Builder> set) {
        NullPointerException e = assertThrows(NullPointerException.class, () -> set.accept(WeComClient.builder()));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11})
    void retryPolicy_whenMaxRetriesOutOfRange_rejectsItShowingTheValue(int bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.builder().maxRetries(bad));
        assertTrue(e.getMessage().startsWith("maxRetries must be between 0 and 10"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": " + bad), e.getMessage());
    }

    @Test
    void retryPolicy_whenADurationIsNegative_rejectsIt() {
        Duration bad = Duration.ofMillis(-1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().initialBackoff(bad))
                .getMessage().startsWith("initialBackoff must not be negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxBackoff(bad))
                .getMessage().startsWith("maxBackoff must not be negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().maxElapsed(bad))
                .getMessage().startsWith("maxElapsed must not be negative"));
        assertEquals("initialBackoff == null", assertThrows(NullPointerException.class,
                () -> RetryPolicy.builder().initialBackoff(null)).getMessage());
    }

    @Test
    void login_whenCodeIsExactly1024Chars_isSent() {
        String longest = "c".repeat(1024);
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/miniprogram/jscode2session"))
                .willReturn(okJson(Payloads.session(CORP_ID, "zhangsan"))));

        assertEquals("zhangsan", client().login(longest).userId());

        assertEquals(2, wm.getAllServeEvents().size(), "gettoken and jscode2session");
        wm.resetRequests();
    }
}
