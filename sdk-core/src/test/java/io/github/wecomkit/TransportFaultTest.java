package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
import static io.github.wecomkit.testing.Payloads.USER;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Broken networks and broken answers, on both transports: each ends in the documented typed exception or in a
 * safe retry, retries stay within the policy, a single-use login code is never sent twice, and nothing hangs.
 */
@Timeout(60)
class TransportFaultTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final HttpClient JDK_CLIENT = HttpClient.newHttpClient();
    private static final HttpClient JDK_CLIENT_HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .build();
    private static final String JSCODE2SESSION = "/cgi-bin/miniprogram/jscode2session";
    private static final String USER_GET = "/cgi-bin/user/get";
    /** Generous, so a loaded build machine does not turn a fault test into a timeout test. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** For the timeout tests, where the server never answers. */
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_RETRIES = 2;
    private static final RetryPolicy POLICY = RetryPolicy.builder().maxRetries(MAX_RETRIES)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(80)).maxElapsed(Duration.ofSeconds(20))
            .build();

    /** The two transports behind the seam. */
    enum Transport {
        /** The default: wecomkit's own HTTP/1.1 client on JDK sockets. */
        DEFAULT,
        /** {@code HttpClient.newHttpClient()}: prefers HTTP/2, so plain-http requests carry an h2c upgrade. */
        JDK_HTTP_CLIENT,
        /** A JDK HttpClient pinned to HTTP/1.1, as many callers configure it. */
        JDK_HTTP_CLIENT_HTTP1;

        WeComClient.Builder apply(WeComClient.Builder b) {
            switch (this) {
                case JDK_HTTP_CLIENT: return b.httpClient(JDK_CLIENT);
                case JDK_HTTP_CLIENT_HTTP1: return b.httpClient(JDK_CLIENT_HTTP1);
                default: return b;
            }
        }
    }

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();

    /** A client whose token is already in its store, so every request below is the call under test. */
    private WeComClient client(Transport transport, String baseUrl) {
        return client(transport, baseUrl, REQUEST_TIMEOUT);
    }

    private WeComClient client(Transport transport, String baseUrl, Duration requestTimeout) {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        store.put("access_token:" + CORP_ID + ":" + Inputs.shortHash(SECRET),
                AccessToken.of(TOKEN_1, clock.instant(), clock.instant().plus(Duration.ofHours(2))));
        return transport.apply(WeComClient.builder()).corpId(CORP_ID).secret(SECRET).baseUrl(baseUrl)
                .clock(clock).tokenStore(store).connectTimeout(REQUEST_TIMEOUT).requestTimeout(requestTimeout)
                .retryPolicy(POLICY).sleeper(sleeper).refreshExecutor(new ManualExecutor()).build();
    }

    private WeComClient client(Transport transport) {
        return client(transport, wm.baseUrl());
    }

    private static void stub(String path, ResponseDefinitionBuilder response) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(response));
    }

    private static int count(String path) {
        return wm.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    /**
     * Copies of one GET the server receives when the first copy got no response byte on a new connection (reset,
     * empty reply). wecomkit's default transport never re-sends it: the request may have reached WeCom. The JDK
     * HttpClient over HTTP/1.1 re-sends such a GET once by itself, below wecomkit (a documented caveat of passing
     * your own client); the h2c-upgrading default HttpClient does not.
     */
    private static int copiesWhenNoResponseByte(Transport transport) {
        return transport == Transport.JDK_HTTP_CLIENT_HTTP1 ? 2 : 1;
    }

    private void assertWaitsWithinPolicy(int expected) {
        assertEquals(expected, sleeper.count(), "retry waits " + sleeper.waits());
        for (int i = 0; i < expected; i++) {
            long capped = Math.min(POLICY.maxBackoff().toMillis(), POLICY.initialBackoff().toMillis() << i);
            long waited = sleeper.waits().get(i).toMillis();
            assertTrue(waited >= capped / 2 && waited <= capped, "wait " + i + " = " + waited + " ms");
        }
    }

    private static void assertNoSecrets(WeComException e) {
        for (String secret : new String[] {SECRET, TOKEN_1, CODE, Payloads.SESSION_KEY}) {
            assertFalse(e.toString().contains(secret), e.toString());
        }
    }

    // --- faults where no answer arrives after the request was sent ---

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenConnectionReset_retriesUpToThePolicyThenThrowsTransport(Transport transport) {
        stub(USER_GET, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).getUser(USER_ID));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(0, e.httpStatus());
        assertTrue(e.retryable());
        assertEquals("user/get", e.api());
        assertNoSecrets(e);
        assertEquals((1 + MAX_RETRIES) * copiesWhenNoResponseByte(transport), count(USER_GET),
                "requests that reached the server");
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenConnectionReset_wecomkitDoesNotResendTheCode(Transport transport) {
        stub(JSCODE2SESSION, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).login(CODE));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals("miniprogram/jscode2session", e.api());
        assertNoSecrets(e);
        // wecomkit itself never re-sends; the JDK's own resend is the deviation documented above
        assertEquals(copiesWhenNoResponseByte(transport), count(JSCODE2SESSION), "copies of the login code");
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenEmptyReply_retriesUpToThePolicyThenThrowsTransport(Transport transport) {
        stub(USER_GET, aResponse().withFault(Fault.EMPTY_RESPONSE));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).getUser(USER_ID));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(0, e.httpStatus());
        assertEquals((1 + MAX_RETRIES) * copiesWhenNoResponseByte(transport), count(USER_GET),
                "requests that reached the server");
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenEmptyReply_wecomkitDoesNotResendTheCode(Transport transport) {
        stub(JSCODE2SESSION, aResponse().withFault(Fault.EMPTY_RESPONSE));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).login(CODE));

        assertTrue(e.mayHaveReachedWeCom());
        // wecomkit itself never re-sends; the JDK's own resend is the deviation documented above
        assertEquals(copiesWhenNoResponseByte(transport), count(JSCODE2SESSION), "copies of the login code");
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenEmptyReplyOnceThenOk_returnsTheMember(Transport transport) {
        wm.stubFor(get(urlPathEqualTo(USER_GET)).inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("ok"));
        wm.stubFor(get(urlPathEqualTo(USER_GET)).inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(okJson(USER)));

        assertEquals(USER_ID, client(transport).getUser(USER_ID).userId());
        assertEquals(2, count(USER_GET));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenGarbageThenClose_throwsTypedExceptionWithinThePolicy(Transport transport) {
        stub(USER_GET, aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

        WeComException e = assertThrows(WeComException.class, () -> client(transport).getUser(USER_ID));

        assertTrue(e instanceof WeComTransportException || e instanceof WeComDecodeException, e.toString());
        assertTrue(count(USER_GET) >= 1 && count(USER_GET) <= 1 + MAX_RETRIES, "requests: " + count(USER_GET));
        assertEquals(count(USER_GET) - 1, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenGarbageThenClose_sendsTheCodeExactlyOnce(Transport transport) {
        stub(JSCODE2SESSION, aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

        WeComException e = assertThrows(WeComException.class, () -> client(transport).login(CODE));

        assertTrue(e instanceof WeComTransportException || e instanceof WeComDecodeException, e.toString());
        assertEquals(1, count(JSCODE2SESSION));
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenBodyCutOffMidChunk_retriesThenThrowsTransport(Transport transport) {
        stub(USER_GET, aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).getUser(USER_ID));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1 + MAX_RETRIES, count(USER_GET));
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenBodyCutOffMidChunk_sendsTheCodeExactlyOnce(Transport transport) {
        stub(JSCODE2SESSION, aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).login(CODE));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, count(JSCODE2SESSION));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenNoAnswerWithinTheRequestTimeout_retriesThenThrowsTimedOut(Transport transport)
            throws Exception {
        try (RawServer server = RawServer.silent()) {
            WeComTransportException e = assertThrows(WeComTransportException.class,
                    () -> client(transport, server.baseUrl(), SHORT_TIMEOUT).getUser(USER_ID));

            assertTrue(e.mayHaveReachedWeCom());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(1 + MAX_RETRIES, server.requests().size(), "a timeout is never re-sent by the JDK");
            assertWaitsWithinPolicy(MAX_RETRIES);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenNoAnswerWithinTheRequestTimeout_sendsTheCodeExactlyOnce(Transport transport) throws Exception {
        try (RawServer server = RawServer.silent()) {
            WeComTransportException e = assertThrows(WeComTransportException.class,
                    () -> client(transport, server.baseUrl(), SHORT_TIMEOUT).login(CODE));

            assertTrue(e.mayHaveReachedWeCom());
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            // On a loaded machine an attempt can time out before its connection is open; that one was not sent
            // and may be retried, so only the copies that reached the server are counted.
            assertEquals(1, server.requests().size(), server.requests().toString());
        }
    }

    // --- answers that arrive but are not WeCom's JSON ---

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenBodyIsMalformedJson_throwsDecodeWithoutRetry(Transport transport) {
        stub(USER_GET, okJson("{\"errcode\":0,\"userid\":\"zhangsan\",,}"));

        WeComDecodeException e = assertThrows(WeComDecodeException.class, () -> client(transport).getUser(USER_ID));

        assertEquals("user/get", e.api());
        assertFalse(e.retryable());
        assertFalse(e.getMessage().contains("zhangsan"), "the body is not quoted: " + e.getMessage());
        assertEquals(1, count(USER_GET));
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenJsonIsCutOff_throwsDecodeWithoutResending(Transport transport) {
        stub(JSCODE2SESSION, okJson("{\"corpid\":\"" + CORP_ID + "\",\"userid\":\"zhangsan\",\"session_key\":\"kJt"));

        WeComDecodeException e = assertThrows(WeComDecodeException.class, () -> client(transport).login(CODE));

        assertFalse(e.getMessage().contains("kJt"), e.getMessage());
        assertEquals(1, count(JSCODE2SESSION));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenBodyIsEmptyWith200_throwsDecode(Transport transport) {
        stub(USER_GET, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(""));

        assertThrows(WeComDecodeException.class, () -> client(transport).getUser(USER_ID));
        assertEquals(1, count(USER_GET));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenProxyAnswersHtml502_retriesThenThrowsTransportWithTheStatus(Transport transport) {
        stub(USER_GET, aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><head><title>502 Bad Gateway</title></head><body>stgw</body></html>"));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).getUser(USER_ID));

        assertEquals(502, e.httpStatus());
        assertTrue(e.mayHaveReachedWeCom());
        assertTrue(e.getMessage().contains("httpStatus=502"), e.getMessage());
        assertFalse(e.getMessage().contains("<html>"));
        assertEquals(1 + MAX_RETRIES, count(USER_GET));
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenProxyAnswersHtml502_doesNotResendTheCode(Transport transport) {
        stub(JSCODE2SESSION, aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body>502 Bad Gateway</body></html>"));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).login(CODE));

        assertEquals(502, e.httpStatus());
        assertEquals(1, count(JSCODE2SESSION));
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenProxyAnswersHtmlWith200_throwsDecode(Transport transport) {
        stub(USER_GET, aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body>maintenance</body></html>"));

        assertThrows(WeComDecodeException.class, () -> client(transport).getUser(USER_ID));
        assertEquals(1, count(USER_GET));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_when404_throwsTransportWithoutRetry(Transport transport) {
        stub(USER_GET, aResponse().withStatus(404).withBody("not found"));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport).getUser(USER_ID));

        assertEquals(404, e.httpStatus());
        assertEquals(1, count(USER_GET));
    }

    // --- the connection cannot be opened: nothing was sent, so even a login code is re-sent ---

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenConnectionRefused_retriesUpToThePolicyBecauseNothingWasSent(Transport transport)
            throws IOException {
        int port = closedPort();
        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport, "http://127.0.0.1:" + port).login(CODE));

        assertFalse(e.mayHaveReachedWeCom());
        assertTrue(e.retryable());
        assertEquals("miniprogram/jscode2session", e.api());
        // what was tried, how often, and what to check
        assertTrue(e.getMessage().startsWith("WeCom call failed after " + (1 + MAX_RETRIES) + " attempts: could not"
                + " connect to 127.0.0.1:" + port + " ("), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check the network, a firewall, or the baseUrl and proxy settings:"
                + " api=miniprogram/jscode2session"), e.getMessage());
        assertNoSecrets(e);
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenConnectionRefused_retriesUpToThePolicy(Transport transport) throws IOException {
        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport, "http://127.0.0.1:" + closedPort()).getUser(USER_ID));

        assertFalse(e.mayHaveReachedWeCom());
        assertWaitsWithinPolicy(MAX_RETRIES);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void getUser_whenTheFirstWaitWouldOutlastMaxElapsed_doesNotRetry(Transport transport) throws IOException {
        // waits are between 0.5 s and 1 s; none fits in 0.4 s (the recorded waits do not pass real time)
        RetryPolicy tight = RetryPolicy.builder().maxRetries(10).initialBackoff(Duration.ofSeconds(1))
                .maxBackoff(Duration.ofSeconds(1)).maxElapsed(Duration.ofMillis(400)).build();
        WeComClient client = transport.apply(WeComClient.builder()).corpId(CORP_ID).secret(SECRET)
                .baseUrl("http://127.0.0.1:" + closedPort()).retryPolicy(tight).sleeper(sleeper).build();

        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.getUser(USER_ID));

        assertEquals("gettoken", e.api());
        assertEquals(0, sleeper.count(), "waits " + sleeper.waits());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // --- a pooled keep-alive connection the server closed without notice ---

    @ParameterizedTest
    @EnumSource(Transport.class)
    void login_whenPooledConnectionWasClosedByTheServer_resendsSafelyAndEachCodeArrivesOnce(Transport transport)
            throws Exception {
        try (RawServer server = RawServer.answeringThenClosing()) {
            WeComClient client = transport.apply(WeComClient.builder()).corpId(CORP_ID).secret(SECRET)
                    .baseUrl(server.baseUrl()).clock(clock)
                    .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(2))
                    .retryPolicy(POLICY).sleeper(sleeper).refreshExecutor(new ManualExecutor()).build();

            for (int i = 1; i <= 3; i++) {
                LoginSession s = client.login(CODE + "-" + i);
                assertEquals(USER_ID, s.userId());
                // every connection the server answered is closed before the next call takes one from the pool
                server.awaitClosed(server.requests().size());
            }
            Member m = client.getUser(USER_ID);
            server.awaitClosed(server.requests().size());

            assertEquals(USER_ID, m.userId());
            List<String> requests = server.requests();
            assertEquals(1, requests.stream().filter(r -> r.contains("/cgi-bin/gettoken?")).count(), requests.toString());
            for (int i = 1; i <= 3; i++) {
                String code = "js_code=" + CODE + "-" + i + "&";
                assertEquals(1, requests.stream().filter(r -> r.contains(code)).count(), requests.toString());
            }
            assertEquals(1, requests.stream().filter(r -> r.contains("/cgi-bin/user/get?")).count());
            assertEquals(5, requests.size(), requests.toString());
            assertEquals(5, server.connections(), "one connection per request: each pooled one was dead");
            assertEquals(0, sleeper.count(), "a dead pooled connection is replaced, not backed off");
        }
    }

    /**
     * A tiny HTTP/1.1 server that records each request line on receipt and then either answers it with
     * {@code Connection: keep-alive} and a {@code Content-Length} and closes the socket without saying so (the
     * client pools a dead connection), or never answers (until the test ends).
     */
    static final class RawServer implements AutoCloseable {
        private final boolean answer;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final Semaphore closed = new Semaphore(0);
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private int acquired;

        private RawServer(boolean answer) throws IOException {
            this.answer = answer;
            Thread acceptor = new Thread(this::acceptLoop, "one-request-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static RawServer answeringThenClosing() throws IOException {
            return new RawServer(true);
        }

        static RawServer silent() throws IOException {
            return new RawServer(false);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        int connections() {
            return sockets.size();
        }

        void awaitClosed(int total) throws InterruptedException {
            assertTrue(closed.tryAcquire(total - acquired, 5, TimeUnit.SECONDS), "server did not close in time");
            acquired = total;
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                Thread handler = new Thread(() -> handle(socket), "one-request-handler");
                handler.setDaemon(true);
                handler.start();
            }
        }

        private void handle(Socket socket) {
            try (socket) {
                String head = readHead(socket.getInputStream());
                if (head.isEmpty()) {
                    return;
                }
                String requestLine = head.substring(0, head.indexOf("\r\n"));
                requests.add(requestLine);
                if (!answer) {
                    stopped.await();
                    return;
                }
                String body;
                if (requestLine.contains("/cgi-bin/gettoken?")) {
                    body = Payloads.token(TOKEN_1, 7200);
                } else if (requestLine.contains("/cgi-bin/miniprogram/jscode2session?")) {
                    body = Payloads.session(CORP_ID, USER_ID);
                } else {
                    body = USER;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: "
                        + bytes.length + "\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // the client went away; nothing to answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closed.release();
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) != -1) {
                head.write(b);
                matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1
                        : b == '\r' ? 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            stopped.countDown();
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
