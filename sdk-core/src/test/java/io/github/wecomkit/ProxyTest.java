package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComProxyException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.testing.TestCa;
import io.github.wecomkit.testing.TestProxy;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls through a real forward proxy on loopback ({@link TestProxy}), to WireMock over plain HTTP (absolute-form
 * requests) and over HTTPS (a {@code CONNECT} tunnel, the server's certificate from the test's own CA): logins work,
 * tunnels are reused, a refusing or unreachable proxy is a {@link WeComProxyException} naming it, a login code is
 * still never sent twice, and the proxy's credentials never show.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyTest {
    private static final String GETTOKEN = "/cgi-bin/gettoken";
    private static final String JSCODE = "/cgi-bin/miniprogram/jscode2session";
    private static final String USER_GET = "/cgi-bin/user/get";
    private static final String PROXY_USER = "svc-wecom-proxyuser";
    private static final String PROXY_PASSWORD = "Pr0xy-Passw0rd-zq7";
    private static final int MAX_RETRIES = 2;
    private static final RetryPolicy POLICY = RetryPolicy.builder().maxRetries(MAX_RETRIES)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(80)).maxElapsed(Duration.ofSeconds(20))
            .build();

    @RegisterExtension
    static WireMockExtension wecom = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()
            .dynamicHttpsPort().keystorePath(TestCa.get().serverKeyStore(TestCa.RIGHT).toString())
            .keystorePassword(TestCa.PASSWORD).keyManagerPassword(TestCa.PASSWORD).keystoreType("PKCS12")
            // lengths instead of chunks, so the test proxy can keep plain-HTTP client connections alive
            .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)).build();

    /** How the client reaches WireMock through the proxy. */
    enum Scheme {
        /** Absolute-form requests to the proxy. */
        HTTP,
        /** A CONNECT tunnel, then TLS with WireMock through it. */
        HTTPS;

        String baseUrl() {
            return this == HTTP ? "http://127.0.0.1:" + wecom.getPort() : "https://127.0.0.1:" + wecom.getHttpsPort();
        }

        WeComClient.Builder apply(WeComClient.Builder b) {
            return this == HTTP ? b : b.sslContext(TestCa.get().clientContext());
        }
    }

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private TestProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        proxy = TestProxy.start();
        LogCapture.clear();
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.token(TOKEN_1, 7200))));
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(okJson(Payloads.session(CORP_ID, USER_ID))));
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(okJson(Payloads.USER)));
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
    }

    private WeComClient.Builder builder(Scheme scheme) {
        return scheme.apply(WeComClient.builder()).corpId(CORP_ID).secret(SECRET).baseUrl(scheme.baseUrl())
                .clock(clock).connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5))
                .retryPolicy(POLICY).sleeper(sleeper).refreshExecutor(new ManualExecutor());
    }

    /** A client whose token is already stored, so the login is the only request. */
    private WeComClient.Builder builderWithToken(Scheme scheme) {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        store.put("access_token:" + CORP_ID + ":" + Inputs.shortHash(SECRET),
                AccessToken.of(TOKEN_1, clock.instant(), clock.instant().plus(Duration.ofHours(2))));
        return builder(scheme).tokenStore(store);
    }

    private static int count(String path) {
        return wecom.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    private String proxyLabel() {
        return "127.0.0.1:" + proxy.port();
    }

    // --- calls that work ---

    @Test
    void login_overHttp_sendsAbsoluteFormRequestsToTheProxy_onOneKeptAliveConnection() {
        WeComClient client = builder(Scheme.HTTP).proxy(proxy.host(), proxy.port()).build();

        LoginSession session = client.login(CODE);
        Member member = client.getUser(session.userId());

        assertEquals(USER_ID, member.userId());
        List<String> lines = proxy.requestLines();
        assertEquals(3, lines.size(), lines.toString());
        String origin = "http://127.0.0.1:" + wecom.getPort();
        assertTrue(lines.get(0).startsWith("GET " + origin + GETTOKEN + "?"), lines.get(0));
        assertTrue(lines.get(1).startsWith("GET " + origin + JSCODE + "?"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" HTTP/1.1"), lines.get(2));
        assertEquals(3, proxy.forwarded());
        assertEquals(1, proxy.connections(), "the connection to the proxy is reused");
        assertEquals(1, count(JSCODE));
    }

    @Test
    void login_overHttps_goesThroughOneConnectTunnel_thatIsReusedLikeADirectConnection() {
        WeComClient client = builder(Scheme.HTTPS).proxy(proxy.host(), proxy.port()).build();

        for (int i = 1; i <= 3; i++) {
            assertEquals(USER_ID, client.login(CODE + "-" + i).userId());
        }
        client.getUser(USER_ID);

        assertEquals(List.of("CONNECT 127.0.0.1:" + wecom.getHttpsPort() + " HTTP/1.1"), proxy.requestLines());
        assertEquals(1, proxy.tunnels());
        assertEquals(1, proxy.connections());
        assertEquals(1, count(GETTOKEN));
        assertEquals(3, count(JSCODE));
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void login_throughAProxyThatWantsCredentials_sendsThemAndWorks(Scheme scheme) {
        proxy.requireCredentials(PROXY_USER, PROXY_PASSWORD);
        WeComClient client = builder(scheme).proxy(proxy.host(), proxy.port())
                .proxyCredentials(PROXY_USER, PROXY_PASSWORD).build();

        assertEquals(USER_ID, client.login(CODE).userId());
        assertEquals(1, count(JSCODE));
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void systemProxy_usesTheStandardProperties_onlyWhenAskedFor(Scheme scheme) {
        String prefix = scheme == Scheme.HTTP ? "http." : "https.";
        String[] keys = {prefix + "proxyHost", prefix + "proxyPort", "http.nonProxyHosts"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = System.getProperty(keys[i]);
        }
        try {
            System.setProperty(keys[0], proxy.host());
            System.setProperty(keys[1], String.valueOf(proxy.port()));
            // empty: nothing exempt (the JDK's default list, always added to a non-empty one, exempts loopback)
            System.setProperty(keys[2], "");

            builder(scheme).build().login(CODE + "-direct");
            assertEquals(0, proxy.connections(), "without systemProxy() the properties are ignored");

            builder(scheme).systemProxy().build().login(CODE + "-proxied");
            assertEquals(1, proxy.connections());

            System.setProperty(keys[2], "127.0.0.1");
            builder(scheme).systemProxy().build().login(CODE + "-exempt");
            assertEquals(1, proxy.connections(), "http.nonProxyHosts is honoured");
            assertEquals(3, count(JSCODE));
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
    }

    @Test
    void proxySelector_isAskedForWeComsUrl_andItsFirstChoiceIsUsed() {
        List<URI> asked = new CopyOnWriteArrayList<>();
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                asked.add(uri);
                return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("127.0.0.1",
                        proxy.port())), Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };

        builder(Scheme.HTTPS).proxySelector(selector).build().login(CODE);

        assertEquals(List.of(URI.create(Scheme.HTTPS.baseUrl())), asked, "asked once, for the one new connection");
        assertEquals(1, proxy.tunnels());
    }

    @Test
    void proxySelector_choosingSocks_failsWithoutGoingDirect() {
        ProxySelector selector = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", proxy.port())));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        };

        WeComProxyException e = assertThrows(WeComProxyException.class,
                () -> builder(Scheme.HTTP).proxySelector(selector).build().login(CODE));

        assertTrue(e.getMessage().contains("only HTTP proxies are supported"), e.getMessage());
        assertFalse(e.mayHaveReachedWeCom());
        assertEquals(0, wecom.getAllServeEvents().size(), "nothing went direct");
        assertEquals(0, sleeper.count(), "a configuration error is not retried");
    }

    // --- a proxy that refuses or cannot be reached ---

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void login_whenTheProxyWantsCredentialsAndGetsNone_throwsProxyException407WithoutRetrying(Scheme scheme) {
        proxy.requireCredentials(PROXY_USER, PROXY_PASSWORD);
        WeComClient client = builder(scheme).proxy(proxy.host(), proxy.port()).build();

        WeComProxyException e = assertThrows(WeComProxyException.class, () -> client.login(CODE));

        assertEquals(proxyLabel(), e.proxy());
        assertEquals(407, e.httpStatus());
        assertFalse(e.mayHaveReachedWeCom());
        assertFalse(e.retryable());
        assertEquals("gettoken", e.api());
        assertTrue(e.getMessage().startsWith("call through proxy " + proxyLabel() + " failed after 1 attempt"),
                e.getMessage());
        assertTrue(e.getMessage().contains("HTTP 407; the proxy wants credentials: set proxyCredentials(..)"),
                e.getMessage());
        assertEquals(1, proxy.requestLines().size(), "a refusal is not retried (proxies lock accounts)");
        assertEquals(0, wecom.getAllServeEvents().size());
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void login_whenTheProxyRejectsTheCredentials_saysToCheckThem(Scheme scheme) {
        proxy.requireCredentials(PROXY_USER, PROXY_PASSWORD);
        WeComClient client = builder(scheme).proxy(proxy.host(), proxy.port())
                .proxyCredentials(PROXY_USER, "wrong-" + PROXY_PASSWORD).build();

        WeComProxyException e = assertThrows(WeComProxyException.class, () -> client.login(CODE));

        assertEquals(407, e.httpStatus());
        assertTrue(e.getMessage().contains("the proxy rejected the credentials: check proxyCredentials(..)"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 502})
    void login_whenTheProxyRefusesTheTunnel_throwsProxyExceptionNamingIt(int status) {
        proxy.refuseConnectWith(status);
        WeComClient client = builderWithToken(Scheme.HTTPS).proxy(proxy.host(), proxy.port()).build();

        WeComProxyException e = assertThrows(WeComProxyException.class, () -> client.login(CODE));

        assertEquals(proxyLabel(), e.proxy());
        assertEquals(status, e.httpStatus());
        assertFalse(e.mayHaveReachedWeCom(), "nothing was sent to WeCom");
        assertEquals("miniprogram/jscode2session", e.api());
        assertTrue(e.getMessage().contains("the proxy refused the tunnel to 127.0.0.1:" + wecom.getHttpsPort()
                + " with HTTP " + status), e.getMessage());
        assertEquals(0, wecom.getAllServeEvents().size());
        // 502: the proxy could not reach WeCom, which may pass; nothing was sent, so even a login code is retried
        int attempts = status == 502 ? 1 + MAX_RETRIES : 1;
        assertEquals(attempts, proxy.requestLines().size());
        assertEquals(status == 502, e.retryable());
        assertTrue(e.getMessage().contains("after " + attempts + " attempt"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void login_whenTheProxyCannotBeReached_throwsProxyExceptionNamingIt(Scheme scheme) throws IOException {
        int closed = closedPort();
        WeComClient client = builderWithToken(scheme).proxy("127.0.0.1", closed).build();

        WeComProxyException e = assertThrows(WeComProxyException.class, () -> client.login(CODE));

        assertEquals("127.0.0.1:" + closed, e.proxy());
        assertEquals(0, e.httpStatus());
        assertFalse(e.mayHaveReachedWeCom());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("call through proxy 127.0.0.1:" + closed + " failed after "
                + (1 + MAX_RETRIES) + " attempts: could not connect to proxy 127.0.0.1:" + closed + " for "
                + URI.create(scheme.baseUrl()).getAuthority() + " (tried 127.0.0.1: ConnectException"), e.getMessage());
        assertTrue(e.getMessage().contains("check the proxy's host and port"), e.getMessage());
    }

    // --- the no-resend rule through the proxy ---

    @Test
    void login_overHttp_whenTheProxyDropsTheAnswerAfterForwarding_doesNotResendTheCode() {
        proxy.dropAnswers();
        WeComClient client = builderWithToken(Scheme.HTTP).proxy(proxy.host(), proxy.port()).build();

        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.login(CODE));

        assertFalse(e instanceof WeComProxyException, "the proxy forwarded it; WeCom may have it: " + e);
        assertTrue(e.mayHaveReachedWeCom());
        assertTrue(e.getMessage().contains("via proxy " + proxyLabel()), e.getMessage());
        assertEquals(1, count(JSCODE), "copies of the login code that reached WeCom");
        assertEquals(0, sleeper.count());
    }

    @Test
    void login_overHttps_whenWeComDropsTheConnectionInTheTunnel_doesNotResendTheCode() {
        wecom.stubFor(get(urlPathEqualTo(JSCODE)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        WeComClient client = builderWithToken(Scheme.HTTPS).proxy(proxy.host(), proxy.port()).build();

        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.login(CODE));

        assertFalse(e instanceof WeComProxyException, e.toString());
        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, count(JSCODE), "copies of the login code that reached WeCom");
        assertEquals(1, proxy.tunnels());
        assertEquals(0, sleeper.count());
    }

    @Test
    void getUser_overHttps_whenWeComDropsTheConnectionInTheTunnel_retriesThroughNewTunnels() {
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        WeComClient client = builderWithToken(Scheme.HTTPS).proxy(proxy.host(), proxy.port()).build();

        assertThrows(WeComTransportException.class, () -> client.getUser(USER_ID));

        assertEquals(1 + MAX_RETRIES, count(USER_GET));
        assertEquals(1 + MAX_RETRIES, proxy.tunnels());
    }

    // --- the credentials never show ---

    @Test
    void proxyCredentials_neverAppearInMessagesLogsOrToString() {
        String basic = Base64.getEncoder().encodeToString((PROXY_USER + ":" + PROXY_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        String wrongBasic = Base64.getEncoder().encodeToString((PROXY_USER + ":wrong-" + PROXY_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        proxy.requireCredentials(PROXY_USER, PROXY_PASSWORD);
        for (Scheme scheme : Scheme.values()) {
            WeComClient good = builder(scheme).proxy(proxy.host(), proxy.port())
                    .proxyCredentials(PROXY_USER, PROXY_PASSWORD).build();
            seen.add(good.toString());
            scenario(seen, () -> good.login(CODE));
            scenario(seen, () -> builder(scheme).proxy(proxy.host(), proxy.port())
                    .proxyCredentials(PROXY_USER, "wrong-" + PROXY_PASSWORD).build().login(CODE));
            scenario(seen, () -> builder(scheme).proxy("127.0.0.1", 1)
                    .proxyCredentials(PROXY_USER, PROXY_PASSWORD).build().login(CODE));
        }
        scenario(seen, () -> WeComClient.builder().proxyCredentials(PROXY_USER, PROXY_PASSWORD).corpId(CORP_ID)
                .secret(SECRET).build());

        String everything = String.join("\n", seen) + "\n" + LogCapture.allText();
        assertTrue(everything.contains("HTTP 407"), "the scenarios ran:\n" + everything);
        assertTrue(everything.contains("WARN"), "logging was on and captured:\n" + everything);
        for (String secret : new String[] {PROXY_PASSWORD, PROXY_USER, basic, wrongBasic}) {
            assertFalse(everything.contains(secret), "leaked " + secret.substring(0, 6) + "... in:\n" + everything);
        }
    }

    @Test
    void toString_namesTheProxy_andWhetherCredentialsAreSet_neverThem() {
        try (WeComClient direct = builder(Scheme.HTTP).build();
             WeComClient proxied = builder(Scheme.HTTPS).proxy(proxy.host(), proxy.port())
                     .proxyCredentials(PROXY_USER, PROXY_PASSWORD).build();
             WeComClient own = builder(Scheme.HTTP).httpClient(java.net.http.HttpClient.newBuilder()
                     .proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress(proxy.host(), proxy.port())))
                     .build()).build()) {
            assertTrue(direct.toString().contains("transport=SocketTransport{proxy=direct} limited to 64"
                    + " connections"), direct.toString());
            assertTrue(proxied.toString().contains("proxy=" + proxyLabel() + " (credentials set)"),
                    proxied.toString());
            assertTrue(own.toString().contains("JdkHttpClientTransport{proxy=selector}"), own.toString());
            assertFalse(proxied.toString().contains(PROXY_PASSWORD) || proxied.toString().contains(PROXY_USER),
                    proxied.toString());
        }
    }

    private static void scenario(List<String> seen, Supplier<Object> call) {
        try {
            seen.add(String.valueOf(call.get()));
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            seen.add(e + "\n" + trace);
            if (e instanceof WeComException) {
                seen.add(String.valueOf(e.getCause()));
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
