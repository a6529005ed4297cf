package io.github.wecomkit.internal;

import static io.github.wecomkit.internal.ScriptedServer.json;
import static io.github.wecomkit.internal.ScriptedServer.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.internal.HttpTransport.Response;
import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import io.github.wecomkit.testing.TestCa;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The default transport against a scripted raw HTTP server: framing (Content-Length, chunked, read-to-close,
 * HTTP/1.0, 1xx), connection reuse, and the one rule that matters for single-use codes: a request is re-sent only
 * when it failed on a pooled connection before any response byte.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ScriptedServer server;

    private String start() throws IOException {
        server = ScriptedServer.start();
        return server.baseUrl();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Response get(SocketTransport transport, String base, String path) throws TransportFailure {
        return transport.send("GET", base + path, null, TIMEOUT);
    }

    private static String text(Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void send_writesARequestLineHostAndNoBodyForGet_andReadsContentLength() throws Exception {
        String base = start();
        server.then(json("{\"errcode\":0}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        Response r = get(transport, base, "/cgi-bin/user/get?userid=a%26b");

        assertEquals(200, r.status());
        assertEquals("{\"errcode\":0}", text(r));
        String request = server.requests().get(0);
        assertTrue(request.startsWith("GET /cgi-bin/user/get?userid=a%26b HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), request);
        assertFalse(request.contains("Content-Length"), request);
    }

    @Test
    void send_keepsTheConnectionAlive_acrossSequentialCalls() throws Exception {
        String base = start();
        server.then(json("{\"n\":1}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        for (int i = 0; i < 20; i++) {
            assertEquals("{\"n\":1}", text(get(transport, base, "/x")));
        }

        assertEquals(1, server.connections());
        assertEquals(20, server.requests().size());
    }

    @Test
    void send_postsAJsonBodyWithItsLength() throws Exception {
        String base = start();
        List<String> bodies = new ArrayList<>();
        server.then((request, out) -> {
            int length = Integer.parseInt(request.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            bodies.add(String.valueOf(length));
            return json("{}").answer(request, out);
        });
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        byte[] body = "{\"touser\":\"张三\"}".getBytes(StandardCharsets.UTF_8);

        Response r = transport.send("POST", base + "/cgi-bin/message/send", body, TIMEOUT);

        assertEquals(200, r.status());
        assertTrue(server.requests().get(0).startsWith("POST /cgi-bin/message/send HTTP/1.1\r\n"));
        assertTrue(server.requests().get(0).contains("Content-Type: application/json; charset=utf-8"));
        assertEquals(List.of(String.valueOf(body.length)), bodies);
    }

    @Test
    void send_readsChunkedBodies_withExtensionsAndTrailers() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\n{\"a\"\r\n5\r\n:\"b\"}\r\n0\r\nX-Trailer: t\r\n\r\n", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{\"a\":\"b\"}", text(get(transport, base, "/x")));
        assertEquals("{\"a\":\"b\"}", text(get(transport, base, "/x")));
        assertEquals(1, server.connections(), "a chunked answer leaves the connection reusable");
    }

    @Test
    void send_withoutLength_readsToCloseAndDoesNotReuse() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.0 200 OK\r\n\r\n{\"old\":true}", false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{\"old\":true}", text(get(transport, base, "/x")));
        assertEquals("{\"old\":true}", text(get(transport, base, "/x")));
        assertEquals(2, server.connections());
    }

    @Test
    void send_honoursConnectionClose_andSkipsInterim1xx() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
                false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{}", text(get(transport, base, "/x")));
        assertEquals("{}", text(get(transport, base, "/x")));
        assertEquals(2, server.connections());
    }

    @Test
    void send_returnsErrorStatusesWithTheirBody() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 9\r\n\r\n<html/>  ", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        Response r = get(transport, base, "/x");

        assertEquals(502, r.status());
        assertArrayEquals("<html/>  ".getBytes(StandardCharsets.US_ASCII), r.body());
    }

    @Test
    void send_onAPooledConnectionTheServerClosed_resendsOnceOnANewConnection() throws Exception {
        String base = start();
        // Answer with keep-alive, then close: the client pools a connection that is already dead.
        server.then(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{}", text(get(transport, base, "/first")));
        assertEquals("{}", text(get(transport, base, "/second")));

        assertEquals(2, server.connections());
        assertEquals(2, server.requests().size(), "the failed copy never reached the server");
    }

    @Test
    void send_whenANewConnectionGetsNoAnswer_doesNotResendAndSaysItMayHaveArrived() throws Exception {
        String base = start();
        server.then((request, out) -> false); // read the request, close without a byte
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/code"));

        assertTrue(failure.requestMayHaveBeenSent());
        assertEquals(1, server.requests().size());
    }

    @Test
    void send_whenAPooledConnectionFailsMidResponse_doesNotResend() throws Exception {
        String base = start();
        server.then(json("{}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        get(transport, base, "/warm");
        server.then(raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut", false));

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/code"));

        assertTrue(failure.requestMayHaveBeenSent());
        assertEquals(2, server.requests().size());
    }

    @Test
    void send_whenTheServerIsSilent_timesOutWithoutResending() throws Exception {
        String base = start();
        server.then(server.silent());
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/slow", null, Duration.ofMillis(200)));

        assertTrue(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
        assertEquals(1, server.requests().size());
    }

    @Test
    void send_whenNothingListens_failsAsNotSent() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));

        assertFalse(failure.requestMayHaveBeenSent());
    }

    @Test
    void send_refusesOversizedBodiesAndGarbage() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 200 OK\r\nContent-Length: " + (SocketTransport.MAX_BODY_BYTES + 1) + "\r\n\r\n", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        assertThrows(TransportFailure.class, () -> get(transport, base, "/big"));

        server.then(raw("SSH-2.0-OpenSSH_9.2\r\n\r\n", false));
        SocketTransport other = new SocketTransport(base, TIMEOUT);
        assertThrows(TransportFailure.class, () -> get(other, base, "/garbage"));
    }

    @Test
    void send_overTls_refusesACertificateTheJdkDoesNotTrust() throws Exception {
        // signed by the test's own CA, which the JDK's default trust store does not hold
        server = ScriptedServer.start(TestCa.get().serverContext(TestCa.RIGHT).getServerSocketFactory());
        server.then(json("{}"));
        String base = "https://127.0.0.1:" + server.port();
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));

        assertFalse(failure.requestMayHaveBeenSent(), "nothing is sent before the handshake succeeds");
        assertTrue(failure.getMessage().contains("could not connect to 127.0.0.1:" + server.port()
                + ": the TLS handshake failed"), failure.getMessage());
        assertEquals(0, server.requests().size());
    }

    // --- one deadline for the whole exchange, on every read ---

    /** Where a server starts to send one byte at a time; everything before it comes at once. */
    enum Trickle {
        STATUS_LINE("", "HTTP/1.1 200 " + "O".repeat(200) + "\r\nContent-Length: 2\r\n\r\n{}"),
        HEADERS("HTTP/1.1 200 OK\r\n", "X-Pad: " + "a".repeat(200) + "\r\nContent-Length: 2\r\n\r\n{}"),
        CHUNK_LINES("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "1;pad=" + "p".repeat(200)
                + "\r\n{\r\n1\r\n}\r\n0\r\n\r\n"),
        TRAILERS("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n",
                "X-Trailer: " + "t".repeat(200) + "\r\n\r\n"),
        BODY("HTTP/1.1 200 OK\r\nContent-Length: 202\r\n\r\n", "\"" + "b".repeat(200) + "\"");

        final String prefix;
        final String trickled;

        Trickle(String prefix, String trickled) {
            this.prefix = prefix;
            this.trickled = trickled;
        }
    }

    /**
     * At 20 ms a byte the answer would take over 4 s; each byte comes long before a per-read timeout would fire,
     * so only a deadline for the whole exchange cuts it at the request timeout.
     */
    @ParameterizedTest
    @EnumSource(Trickle.class)
    void send_whenTheServerTrickles_isCutAtTheRequestTimeout(Trickle where) throws Exception {
        String base = start();
        server.then(server.trickle(where.prefix, where.trickled, 20));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        Duration timeout = Duration.ofMillis(500);

        long start = System.nanoTime();
        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/slow", null, timeout));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertTrue(failure.getMessage().startsWith("timed out"), failure.getMessage());
        assertTrue(failure.getMessage().contains("within the request timeout (500 ms)"), failure.getMessage());
        assertTrue(failure.requestMayHaveBeenSent());
        assertTrue(took.compareTo(timeout.multipliedBy(5)) < 0, "cut after " + took.toMillis() + " ms");
        assertEquals(1, server.requests().size(), "a timeout is never re-sent");
    }

    @Test
    void send_whenTheServerTricklesSlowerThanTheDeadlineNeeds_stillSucceeds() throws Exception {
        // positive control for the test above: the same trickle within a timeout long enough for it
        String base = start();
        server.then(server.trickle(Trickle.HEADERS.prefix, "Content-Length: 2\r\n\r\n{}", 5));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{}", text(transport.send("GET", base + "/slow", null, Duration.ofSeconds(20))));
    }

    // --- caps on what a response head may hold ---

    private static String headers(int count, int valueLength) {
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < count; i++) {
            h.append("X-Header-").append(i).append(": ").append("v".repeat(valueLength)).append("\r\n");
        }
        return h.toString();
    }

    @ParameterizedTest
    @CsvSource({
        "99, 200, ''", // with Content-Length: exactly 100 header fields
        "100, 200, more than 100 header fields",
        "15, 4000, ''", // about 60 KB of headers
        "17, 4000, response headers larger than 65536 bytes", // about 68 KB
    })
    void send_capsTheNumberAndSizeOfHeaders(int count, int valueLength, String cap) throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 200 OK\r\n" + headers(count, valueLength) + "Content-Length: 2\r\n\r\n{}",
                true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        if (cap.isEmpty()) {
            assertEquals("{}", text(get(transport, base, "/x")));
            return;
        }
        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));
        assertTrue(failure.getMessage().contains(cap), failure.getMessage());
        assertTrue(failure.requestMayHaveBeenSent());
    }

    @Test
    void send_countsTrailersAgainstTheHeaderCap() throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n"
                + headers(100, 10) + "\r\n", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));

        assertTrue(failure.getMessage().contains("more than 100 header fields"), failure.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"5, true", "6, false"})
    void send_capsInterimResponses(int interim, boolean accepted) throws Exception {
        String base = start();
        server.then(raw("HTTP/1.1 100 Continue\r\n\r\n".repeat(interim)
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        if (accepted) {
            assertEquals("{}", text(get(transport, base, "/x")));
            return;
        }
        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));
        assertTrue(failure.getMessage().contains("more than 5 interim (1xx) responses"), failure.getMessage());
    }
}
