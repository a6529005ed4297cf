package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** A store whose Redis is down at start-up, and closing a store in each state of its connection. */
class RedisStoreStartAndCloseIT {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";

    @BeforeEach
    void clearLogs() {
        LogCapture.clear();
    }

    /**
     * In a fresh JVM, where the first Lettuce connection spends most of a second starting Netty, the first call
     * on a refused port must report the refusal, not wait out the connect timeout. The 500 ms connect timeout is
     * shorter than Netty's cold start and far longer than a refused TCP connect.
     */
    @Test
    void refusedConnection_firstCallOfAColdJvm_failsWithTheRefusal_notAfterTheConnectTimeout() throws Exception {
        int port = RedisServerProcess.freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ColdStart.class.getName(), Integer.toString(port), "500")
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not end");
        String result = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result from the child JVM:\n" + output));
        System.out.println("cold JVM, refused port: " + result);

        assertTrue(result.contains("127.0.0.1:" + port) && result.contains("refused"), result);
        assertFalse(result.contains("not open after"), result);
    }

    @Test
    void refusedConnection_failureNamesHostAndPort_andLaterCallsFailAtOnceUntilTheRetryDelay() {
        int port = RedisServerProcess.freePort();
        try (RedisTokenStore store = RedisTokenStore.builder().redisUri("redis://127.0.0.1:" + port)
                .connectTimeout(Duration.ofSeconds(30)).build()) {
            RedisStoreException first = assertThrows(RedisStoreException.class, () -> store.get(KEY));
            long start = System.nanoTime();
            RedisStoreException again = assertThrows(RedisStoreException.class, () -> store.get(KEY));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertTrue(first.getMessage().contains("127.0.0.1:" + port), first.getMessage());
            assertTrue(first.retryable());
            assertEquals(first.getMessage(), again.getMessage());
            // Not hung: nowhere near the 30 s connect timeout.
            assertTrue(millis < 10_000, "second call took " + millis + " ms");
        }
    }

    /**
     * Netty logs "Failed to submit a listener notification task. Event loop shut down?" when a connection attempt
     * goes on after the event loops were stopped. Each state: Sentinels that never accept (an attempt that outlasts
     * the caller's wait several times over), a handshake with a server that never answers, connecting to a live
     * Redis, connected and subscribed, and reconnecting after Redis died.
     */
    @Test
    void close_inEveryConnectionState_logsNoErrorAndNothingFromNetty() throws Exception {
        try (SilentServer silent = new SilentServer(); FullServer full = new FullServer()) {
            RedisTokenStore sentinels = RedisTokenStore.builder()
                    .redisUri("redis-sentinel://127.0.0.1:" + full.port() + ",127.0.0.1:" + full.port()
                            + ",127.0.0.1:" + full.port() + "#mymaster")
                    .connectTimeout(Duration.ofMillis(300)).build();
            assertThrows(RedisStoreException.class, () -> sentinels.get(KEY));
            sentinels.close();
            for (int i = 0; i < 2; i++) {
                // A caller gives up after 300 ms; the handshake it waited for is still pending when close() runs.
                RedisTokenStore store = RedisTokenStore.builder().redisUri("redis://127.0.0.1:" + silent.port())
                        .connectTimeout(Duration.ofMillis(300)).commandTimeout(Duration.ofSeconds(2)).build();
                assertThrows(RedisStoreException.class, () -> store.get(KEY));
                store.close();
            }
        }
        try (RedisServerProcess server = RedisServerProcess.start()) {
            RedisTokenStore.create(server.uri()).close(); // still connecting
            RedisTokenStore connected = RedisTokenStore.create(server.uri());
            connected.get(KEY);
            connected.awaitToken(KEY, null, Duration.ofMillis(50));
            connected.close();

            List<RedisTokenStore> orphans = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RedisTokenStore store = RedisTokenStore.create(server.uri());
                store.get(KEY);
                store.awaitToken(KEY, null, Duration.ofMillis(20));
                orphans.add(store);
            }
            server.kill();
            orphans.get(0).close(); // the connection just broke
            Eventually.await("a reconnect attempt", Duration.ofSeconds(5),
                    () -> !StoreCalls.answers(orphans.get(1)));
            orphans.get(1).close(); // reconnecting
            orphans.get(2).close();
        }
        Eventually.await("no connection attempt left", Duration.ofSeconds(15), () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.getName().startsWith("wecomkit-redis-connect")));

        // Lettuce's own WARN that a Sentinel cannot be reached is true and stays; nothing else may appear.
        String foreign = LogCapture.events().stream()
                .filter(e -> e.level() == Level.ERROR || e.level() == Level.WARN && e.logger().startsWith("io.netty"))
                .map(e -> e.level() + " " + e.logger() + " " + e.text())
                .collect(Collectors.joining("\n"));
        assertEquals("", foreign);
    }

    /**
     * Listens but never accepts, with its one-connection backlog filled: a TCP connect to it hangs until its
     * timeout, as one to a host that drops packets would.
     */
    private static final class FullServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> fillers = new ArrayList<>();

        FullServer() throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            for (int i = 0; i < 3; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(socket.getLocalSocketAddress(), 200);
                    fillers.add(filler);
                } catch (IOException backlogFull) {
                    filler.close();
                }
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            socket.close();
        }
    }

    /** Accepts connections and never answers: a Redis handshake on it stays pending until its timeout. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // closed by close()
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
