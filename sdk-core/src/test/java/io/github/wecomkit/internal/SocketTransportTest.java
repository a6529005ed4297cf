package io.github.wecomkit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.internal.HttpTransport.Response;
import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default transport against a scripted raw HTTP server: framing (Content-Length, chunked, read-to-close,
 * HTTP/1.0, 1xx), connection reuse, and the rules that matter for single-use codes and messages: a GET is re-sent
 * only when it failed on a pooled connection before any response byte; a POST is never re-sent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** What the server does with each request it reads, in order; the last one repeats. */
    interface Script {
        /** @return whether to keep the connection open for another request */
        boolean answer(String request, OutputStream out) throws IOException;
    }

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private volatile Script last;
    private final java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.Semaphore serverClosed = new java.util.concurrent.Semaphore(0);

    private String start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String request = readHead(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                Script script = scripts.poll();
                if (script == null) {
                    script = last;
                } else {
                    last = script;
                }
                if (!script.answer(request, out)) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // the client went away
        } finally {
            serverClosed.release();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static Script raw(String response, boolean keepOpen) {
        return (request, out) -> {
            out.write(response.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return keepOpen;
        };
    }

    private static Script json(String body) {
        return raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, true);
    }

    @AfterEach
    void stop() throws IOException {
        stalled.countDown();
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
        scripts.add(json("{\"errcode\":0}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        Response r = get(transport, base, "/cgi-bin/user/get?userid=a%26b");

        assertEquals(200, r.status());
        assertEquals("{\"errcode\":0}", text(r));
        String request = requests.get(0);
        assertTrue(request.startsWith("GET /cgi-bin/user/get?userid=a%26b HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), request);
        assertFalse(request.contains("Content-Length"), request);
    }

    @Test
    void send_keepsTheConnectionAlive_acrossSequentialCalls() throws Exception {
        String base = start();
        scripts.add(json("{\"n\":1}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        for (int i = 0; i < 20; i++) {
            assertEquals("{\"n\":1}", text(get(transport, base, "/x")));
        }

        assertEquals(1, connections.get());
        assertEquals(20, requests.size());
    }

    @Test
    void send_postsAJsonBodyWithItsLength() throws Exception {
        String base = start();
        List<String> bodies = new ArrayList<>();
        scripts.add((request, out) -> {
            int length = Integer.parseInt(request.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            bodies.add(String.valueOf(length));
            return json("{}").answer(request, out);
        });
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        byte[] body = "{\"touser\":\"张三\"}".getBytes(StandardCharsets.UTF_8);

        Response r = transport.send("POST", base + "/cgi-bin/message/send", body, TIMEOUT);

        assertEquals(200, r.status());
        assertTrue(requests.get(0).startsWith("POST /cgi-bin/message/send HTTP/1.1\r\n"));
        assertTrue(requests.get(0).contains("Content-Type: application/json; charset=utf-8"));
        assertEquals(List.of(String.valueOf(body.length)), bodies);
    }

    @Test
    void send_readsChunkedBodies_withExtensionsAndTrailers() throws Exception {
        String base = start();
        scripts.add(raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\n{\"a\"\r\n5\r\n:\"b\"}\r\n0\r\nX-Trailer: t\r\n\r\n", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{\"a\":\"b\"}", text(get(transport, base, "/x")));
        assertEquals("{\"a\":\"b\"}", text(get(transport, base, "/x")));
        assertEquals(1, connections.get(), "a chunked answer leaves the connection reusable");
    }

    @Test
    void send_withoutLength_readsToCloseAndDoesNotReuse() throws Exception {
        String base = start();
        scripts.add(raw("HTTP/1.0 200 OK\r\n\r\n{\"old\":true}", false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{\"old\":true}", text(get(transport, base, "/x")));
        assertEquals("{\"old\":true}", text(get(transport, base, "/x")));
        assertEquals(2, connections.get());
    }

    @Test
    void send_honoursConnectionClose_andSkipsInterim1xx() throws Exception {
        String base = start();
        scripts.add(raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
                false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{}", text(get(transport, base, "/x")));
        assertEquals("{}", text(get(transport, base, "/x")));
        assertEquals(2, connections.get());
    }

    @Test
    void send_returnsErrorStatusesWithTheirBody() throws Exception {
        String base = start();
        scripts.add(raw("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 9\r\n\r\n<html/>  ", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        Response r = get(transport, base, "/x");

        assertEquals(502, r.status());
        assertArrayEquals("<html/>  ".getBytes(StandardCharsets.US_ASCII), r.body());
    }

    @Test
    void send_onAPooledConnectionTheServerClosed_resendsOnceOnANewConnection() throws Exception {
        String base = start();
        // Answer with keep-alive, then close: the client pools a connection that is already dead.
        scripts.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        assertEquals("{}", text(get(transport, base, "/first")));
        assertEquals("{}", text(get(transport, base, "/second")));

        assertEquals(2, connections.get());
        assertEquals(2, requests.size(), "the failed copy never reached the server");
    }

    @Test
    void post_onAPooledConnectionDroppedAfterTheRequest_isNotResent_andMayHaveArrived() throws Exception {
        String base = start();
        scripts.add(json("{}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        get(transport, base, "/warm");
        // Read the POST, act on it (a message goes out), close without answering: looks like an idle close.
        scripts.add((request, out) -> false);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> transport.send("POST",
                base + "/cgi-bin/message/send", "{}".getBytes(StandardCharsets.UTF_8), TIMEOUT));

        assertTrue(failure.requestMayHaveBeenSent());
        assertEquals(2, requests.size(), "the POST arrived once and was not sent again");
        assertEquals(1, connections.get());
    }

    @Test
    void post_onAPooledConnectionTheServerClosedWhileIdle_goesOutOnceOnANewConnection() throws Exception {
        String base = start();
        scripts.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false)); // keep-alive, then close
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        get(transport, base, "/first");
        assertTrue(serverClosed.tryAcquire(10, TimeUnit.SECONDS), "the server closed the pooled connection");
        scripts.add(json("{\"errcode\":0}"));

        Response r = transport.send("POST", base + "/cgi-bin/message/send", "{}".getBytes(StandardCharsets.UTF_8),
                TIMEOUT);

        assertEquals("{\"errcode\":0}", text(r));
        assertEquals(2, connections.get(), "the dead pooled connection was seen before the POST was written");
        assertEquals(2, requests.size());
        assertTrue(requests.get(1).startsWith("POST "), requests.get(1));
    }

    @Test
    void post_onALivePooledConnection_reusesIt() throws Exception {
        String base = start();
        scripts.add(json("{}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        get(transport, base, "/warm");

        transport.send("POST", base + "/x", null, TIMEOUT);
        transport.send("POST", base + "/x", null, TIMEOUT);

        assertEquals(1, connections.get());
        assertEquals(3, requests.size());
    }

    @Test
    void send_whenANewConnectionGetsNoAnswer_doesNotResendAndSaysItMayHaveArrived() throws Exception {
        String base = start();
        scripts.add((request, out) -> false); // read the request, close without a byte
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/code"));

        assertTrue(failure.requestMayHaveBeenSent());
        assertEquals(1, requests.size());
    }

    @Test
    void send_whenAPooledConnectionFailsMidResponse_doesNotResend() throws Exception {
        String base = start();
        scripts.add(json("{}"));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        get(transport, base, "/warm");
        scripts.add(raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut", false));

        TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/code"));

        assertTrue(failure.requestMayHaveBeenSent());
        assertEquals(2, requests.size());
    }

    @Test
    void send_whenTheServerIsSilent_timesOutWithoutResending() throws Exception {
        String base = start();
        scripts.add((request, out) -> {
            try {
                stalled.await(10, TimeUnit.SECONDS); // stall until the test ends; the client must time out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        SocketTransport transport = new SocketTransport(base, TIMEOUT);

        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/slow", null, Duration.ofMillis(200)));

        assertTrue(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
        assertEquals(1, requests.size());
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
        scripts.add(raw("HTTP/1.1 200 OK\r\nContent-Length: " + (SocketTransport.MAX_BODY_BYTES + 1) + "\r\n\r\n", true));
        SocketTransport transport = new SocketTransport(base, TIMEOUT);
        assertThrows(TransportFailure.class, () -> get(transport, base, "/big"));

        scripts.add(raw("SSH-2.0-OpenSSH_9.2\r\n\r\n", false));
        SocketTransport other = new SocketTransport(base, TIMEOUT);
        assertThrows(TransportFailure.class, () -> get(other, base, "/garbage"));
    }

    @Test
    void send_overTls_refusesACertificateTheJdkDoesNotTrust(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket tls = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = tls.accept()) {
                    s.getInputStream().read(); // drives the handshake, which the client aborts
                } catch (IOException expected) {
                    // the client refused our self-signed certificate
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String base = "https://127.0.0.1:" + tls.getLocalPort();
            SocketTransport transport = new SocketTransport(base, TIMEOUT);

            TransportFailure failure = assertThrows(TransportFailure.class, () -> get(transport, base, "/x"));

            assertFalse(failure.requestMayHaveBeenSent(), "nothing is sent before the handshake succeeds");
            assertTrue(failure.getMessage().contains("could not connect"), failure.getMessage());
        }
    }
}
