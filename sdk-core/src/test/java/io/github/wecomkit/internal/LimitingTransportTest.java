package io.github.wecomkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import io.github.wecomkit.testing.CountingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection limit over the default transport, observed at the server: sockets accepted, requests in progress. */
@Timeout(60)
class LimitingTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private CountingServer server;
    private LimitingTransport transport;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void start() throws Exception {
        server = CountingServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        callers.shutdownNow();
        if (transport != null) {
            transport.close();
        }
    }

    private LimitingTransport limit(int maxConnections) {
        transport = new LimitingTransport(new SocketTransport(server.baseUrl(), Duration.ofSeconds(5)),
                maxConnections);
        return transport;
    }

    private Future<HttpTransport.Response> send(Duration timeout, AtomicBoolean cancelled) {
        return callers.submit(() -> transport.send("GET", server.baseUrl() + "/cgi-bin/user/get?userid=zhangsan",
                null, timeout, true, cancelled::get));
    }

    private void awaitWaiting(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (transport.waiting() < n) {
            assertTrue(System.nanoTime() < deadline, "callers did not queue in time");
            LockSupport.parkNanos(1_000_000); // polls a count; no timing depends on it
        }
    }

    @Test
    void twentyCallers_withALimitOfFour_useExactlyFourSockets_andTheOthersWaitTheirTurn() throws Exception {
        limit(4);
        server.hold();
        List<Future<HttpTransport.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(send(TIMEOUT, new AtomicBoolean()));
        }

        assertTrue(server.awaitHeld(4, TIMEOUT));
        awaitWaiting(16);
        assertEquals(4, transport.inFlight());
        assertEquals(4, server.connectionsAccepted(), "one socket per request in flight, none for the waiting");
        server.release();
        for (Future<HttpTransport.Response> call : calls) {
            assertEquals(200, call.get(30, TimeUnit.SECONDS).status());
        }

        assertEquals(20, server.answered("user/get"));
        assertEquals(4, server.connectionsAccepted(), "the waiting callers reused the pooled sockets");
        assertEquals(4, server.peakInProgress());
        assertEquals(0, transport.inFlight());
    }

    @Test
    void manyConcurrentCallers_neverOpenMoreSocketsThanTheLimit() throws Exception {
        limit(3);
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            workers.add(callers.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 25; i++) {
                    ok += transport.send("GET", server.baseUrl() + "/cgi-bin/user/get?userid=lisi", null,
                            TIMEOUT).status() == 200 ? 1 : 0;
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> w : workers) {
            ok += w.get(60, TimeUnit.SECONDS);
        }

        assertEquals(800, ok);
        assertTrue(server.connectionsAccepted() <= 3, "sockets: " + server.connectionsAccepted());
        assertTrue(server.peakInProgress() <= 3, "in progress at once: " + server.peakInProgress());
    }

    @Test
    void aCallerCancelledWhileWaitingForAConnection_isNeverSent() throws Exception {
        limit(1);
        server.hold();
        Future<HttpTransport.Response> first = send(TIMEOUT, new AtomicBoolean());
        assertTrue(server.awaitHeld(1, TIMEOUT));
        AtomicBoolean cancelled = new AtomicBoolean();
        Future<HttpTransport.Response> second = send(TIMEOUT, cancelled);
        awaitWaiting(1);

        cancelled.set(true);
        server.release();

        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS));
        assertInstanceOf(CancellationException.class, e.getCause());
        assertEquals(1, server.requests("user/get"), "the cancelled caller sent nothing");
    }

    @Test
    void aCallerWaitingLongerThanItsTimeout_failsAsNotSent_soItMayBeRetried() throws Exception {
        limit(1);
        server.hold();
        Future<HttpTransport.Response> first = send(TIMEOUT, new AtomicBoolean());
        assertTrue(server.awaitHeld(1, TIMEOUT));

        Future<HttpTransport.Response> second = send(Duration.ofMillis(200), new AtomicBoolean());
        ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS));

        TransportFailure failure = assertInstanceOf(TransportFailure.class, e.getCause());
        assertFalse(failure.requestMayHaveBeenSent());
        assertTrue(failure.getMessage().contains("no connection became free"), failure.getMessage());
        server.release();
        assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
        assertEquals(1, server.requests("user/get"));
    }
}
