package io.github.wecomkit.internal;

import static io.github.wecomkit.internal.ScriptedServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.internal.HttpTransport.Response;
import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import io.github.wecomkit.testing.TestCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opening connections and closing the transport: the DNS lookup and every resolved address within the connect
 * timeout, the TLS handshake bounded as a whole, and {@code close()} failing an exchange in flight.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketTransportConnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A name only the test's resolver knows. */
    private static final String HOST = "wecom.test";

    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final CountDownLatch testEnded = new CountDownLatch(1);
    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void release() throws Exception {
        testEnded.countDown();
        for (AutoCloseable r : resources) {
            r.close();
        }
        background.shutdownNow();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** A resolver that knows only {@link #HOST}, and counts its lookups. */
    private static final class FixedResolver implements Resolver {
        final InetAddress[] addresses;
        final AtomicInteger lookups = new AtomicInteger();

        FixedResolver(InetAddress... addresses) {
            this.addresses = addresses;
        }

        @Override
        public InetAddress[] lookup(String host) throws UnknownHostException {
            lookups.incrementAndGet();
            if (!host.equals(HOST)) {
                throw new UnknownHostException(host);
            }
            return addresses.clone();
        }
    }

    private static SocketTransport transport(String baseUrl, Duration connectTimeout, Resolver resolver) {
        return new SocketTransport(baseUrl, connectTimeout, ProxyConfig.direct(), null, resolver);
    }

    // --- DNS and addresses ---

    @Test
    void send_whenTheFirstAddressRefuses_connectsToTheNext() throws Exception {
        // the server listens on 127.0.0.1 only, so 127.0.0.2 (also loopback on Linux) refuses at once
        ScriptedServer server = closeLater(ScriptedServer.start()).then(json("{}"));
        FixedResolver resolver = new FixedResolver(ip("127.0.0.2"), ip("127.0.0.1"));
        String base = "http://" + HOST + ":" + server.port();
        SocketTransport transport = closeLater(transport(base, TIMEOUT, resolver));

        Response r = transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT);

        assertEquals(200, r.status());
        assertEquals(1, server.connections());
        assertEquals(1, resolver.lookups.get());
        assertTrue(server.requests().get(0).contains("\r\nHost: " + HOST + ":" + server.port() + "\r\n"));
    }

    @Test
    void send_whenEveryAddressRefuses_namesTheHostPortAndAddressesTried() throws Exception {
        int port = closedPort();
        String base = "http://" + HOST + ":" + port;
        SocketTransport transport = closeLater(transport(base, TIMEOUT,
                new FixedResolver(ip("127.0.0.2"), ip("127.0.0.3"))));

        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/cgi-bin/gettoken?corpsecret=S3CRET", null, TIMEOUT));

        assertFalse(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().startsWith("could not connect to " + HOST + ":" + port
                + " (tried 127.0.0.2, 127.0.0.3: ConnectException"), failure.getMessage());
        assertFalse(failure.getMessage().contains("S3CRET"), failure.getMessage());
    }

    @Test
    void send_whenTheNameDoesNotResolve_saysSo() {
        String base = "http://unknown.test:80";
        SocketTransport transport = closeLater(transport(base, TIMEOUT, new FixedResolver()));

        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT));

        assertFalse(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().startsWith("could not connect to unknown.test:80: the name does not resolve"),
                failure.getMessage());
    }

    @Test
    void send_whenDnsHangs_failsWithinTheConnectTimeout() {
        Resolver hung = host -> {
            try {
                testEnded.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new UnknownHostException(host);
        };
        String base = "http://" + HOST + ":80";
        Duration connectTimeout = Duration.ofMillis(300);
        SocketTransport transport = closeLater(transport(base, connectTimeout, hung));

        long start = System.nanoTime();
        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertFalse(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().contains("the DNS lookup did not finish within the connect timeout (300 ms)"),
                failure.getMessage());
        assertTrue(took.compareTo(connectTimeout.multipliedBy(10)) < 0, "failed after " + took.toMillis() + " ms");
    }

    /**
     * An address that drops SYNs (a listener whose accept queue is full) must not use up the connect timeout:
     * each address but the last gets a share, so the second one is still tried and answers.
     */
    @Test
    void send_whenTheFirstAddressDropsPackets_stillTriesTheNextInTime() throws Exception {
        ScriptedServer server = closeLater(ScriptedServer.start()).then(json("{}"));
        ServerSocket full = closeLater(new ServerSocket(server.port(), 1, ip("127.0.0.2")));
        fillAcceptQueue(full);
        String base = "http://" + HOST + ":" + server.port();
        SocketTransport transport = closeLater(transport(base, Duration.ofSeconds(4),
                new FixedResolver(ip("127.0.0.2"), ip("127.0.0.1"))));

        Response r = transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT);

        assertEquals(200, r.status());
        assertEquals(1, server.connections());
    }

    /** Connects until a connect no longer completes: from then on the kernel drops new SYNs to {@code full}. */
    private void fillAcceptQueue(ServerSocket full) throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = closeLater(new Socket());
            try {
                s.connect(full.getLocalSocketAddress(), 300);
            } catch (IOException timedOut) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled up");
    }

    // --- TLS handshake within the connect timeout ---

    @Test
    void send_whenTheTlsHandshakeTrickles_failsWithinTheConnectTimeout() throws Exception {
        ScriptedServer tls = closeLater(ScriptedServer.start(
                TestCa.get().serverContext(TestCa.RIGHT).getServerSocketFactory())).then(json("{}"));
        TrickleRelay relay = closeLater(new TrickleRelay(tls.port(), 20));
        String base = "https://127.0.0.1:" + relay.port();
        Duration connectTimeout = Duration.ofMillis(800);
        SocketTransport transport = closeLater(new SocketTransport(base, connectTimeout, ProxyConfig.direct(),
                TestCa.get().clientContext()));

        long start = System.nanoTime();
        TransportFailure failure = assertThrows(TransportFailure.class,
                () -> transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertFalse(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().contains("the TLS handshake did not finish within the connect timeout"),
                failure.getMessage());
        assertTrue(took.compareTo(connectTimeout.multipliedBy(5)) < 0, "failed after " + took.toMillis() + " ms");
        assertEquals(0, tls.requests().size());
    }

    @Test
    void send_throughTheSameRelayWithoutTrickling_completesTheHandshake() throws Exception {
        // positive control for the test above: the relay and the TLS setup work when bytes flow
        ScriptedServer tls = closeLater(ScriptedServer.start(
                TestCa.get().serverContext(TestCa.RIGHT).getServerSocketFactory())).then(json("{}"));
        TrickleRelay relay = closeLater(new TrickleRelay(tls.port(), 0));
        String base = "https://127.0.0.1:" + relay.port();
        SocketTransport transport = closeLater(new SocketTransport(base, TIMEOUT, ProxyConfig.direct(),
                TestCa.get().clientContext()));

        assertEquals(200, transport.send("GET", base + "/cgi-bin/gettoken", null, TIMEOUT).status());
    }

    // --- close() ---

    @Test
    void close_duringAnExchange_failsItAtOnce_andLaterSendsThrowIllegalState() throws Exception {
        ScriptedServer server = closeLater(ScriptedServer.start());
        server.then(server.silent());
        SocketTransport transport = new SocketTransport(server.baseUrl(), TIMEOUT);
        Duration longTimeout = Duration.ofSeconds(30);
        Future<Response> inFlight = background.submit(
                () -> transport.send("GET", server.baseUrl() + "/cgi-bin/user/get", null, longTimeout));
        assertTrue(server.awaitRequests(1), "the request reached the server");

        long start = System.nanoTime();
        transport.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        TransportFailure failure = (TransportFailure) e.getCause();
        assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
        assertTrue(failure.requestMayHaveBeenSent());
        assertFalse(failure.retryable(), "a closed transport is not worth another attempt");
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "failed after " + took.toMillis() + " ms");

        IllegalStateException later = assertThrows(IllegalStateException.class,
                () -> transport.send("GET", server.baseUrl() + "/cgi-bin/user/get", null, TIMEOUT));
        assertTrue(later.getMessage().contains("closed"), later.getMessage());
        transport.close(); // twice is harmless
        assertEquals(1, server.requests().size());
    }

    @Test
    void close_closesIdleConnections() throws Exception {
        ScriptedServer server = closeLater(ScriptedServer.start()).then(json("{}"));
        SocketTransport transport = new SocketTransport(server.baseUrl(), TIMEOUT);
        transport.send("GET", server.baseUrl() + "/a", null, TIMEOUT);
        transport.send("GET", server.baseUrl() + "/b", null, TIMEOUT);
        assertEquals(1, server.connections(), "pooled");

        transport.close();

        assertTrue(server.awaitClosedConnections(1), "the idle connection was closed");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /**
     * A TCP relay in front of a server: bytes to the server pass at once, bytes from it one every
     * {@code everyMillis} (0: at once), as a congested or hostile path would deliver them.
     */
    private final class TrickleRelay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        TrickleRelay(int upstreamPort, long everyMillis) throws IOException {
            background.submit(() -> {
                try (Socket client = listener.accept(); Socket upstream = new Socket()) {
                    sockets.add(client);
                    sockets.add(upstream);
                    upstream.connect(new InetSocketAddress("127.0.0.1", upstreamPort));
                    background.submit(() -> copy(client.getInputStream(), upstream.getOutputStream(), 0));
                    copy(upstream.getInputStream(), client.getOutputStream(), everyMillis);
                }
                return null;
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private Void copy(InputStream in, OutputStream out, long everyMillis) throws IOException {
            byte[] buf = new byte[everyMillis == 0 ? 8192 : 1];
            int n;
            while ((n = in.read(buf)) != -1) {
                if (everyMillis > 0 && waitOrEnd(everyMillis)) {
                    return null;
                }
                out.write(buf, 0, n);
                out.flush();
            }
            return null;
        }

        /** @return whether the test ended */
        private boolean waitOrEnd(long millis) {
            try {
                return testEnded.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
