package io.github.wecomkit.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.internal.AsyncExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hot path (token in hand, request, response) holds no lock while it does I/O: 10,000 concurrent blocking
 * logins on virtual threads and 10,000 concurrent {@code client.async()} logins (a virtual thread each, the default)
 * run under a JFR recording of {@code jdk.VirtualThreadPinned} with threshold 0, and the test fails on any pinned
 * event. A deliberate pin in the same recording proves the recording would have caught one. The stub sees no more
 * connections than the client's limit.
 *
 * <p>JDK 17 has no virtual threads: there the test says so, and still runs the 10,000 concurrent logins (on
 * platform threads) for the connection bound. {@code .ci/run} runs the build again on JDK 25, where the pinning
 * check itself runs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VirtualThreadPinningTest {
    private static final int LOGINS = 10_000;
    private static final String PINNED = "jdk.VirtualThreadPinned";

    private StubWeCom stub;
    private WeComClient client;

    @BeforeEach
    void start() throws Exception {
        stub = StubWeCom.start();
        client = WeComClient.builder().corpId(StubWeCom.CORP_ID).secret(StubWeCom.SECRET).baseUrl(stub.baseUrl())
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        stub.close();
    }

    @Test
    void tenThousandConcurrentLogins_onVirtualThreads_pinNoCarrier_andUseAtMostMaxConnectionsSockets()
            throws Exception {
        if (!AsyncExecutor.virtualThreadsAvailable()) {
            System.out.println("[virtual-thread pinning check] JDK " + Runtime.version().feature() + " has no"
                    + " virtual threads: the jdk.VirtualThreadPinned check runs in the JDK 25 pass of .ci/run."
                    + " On this JDK: " + LOGINS + " concurrent logins on platform threads, for the connection"
                    + " bound only.");
            ExecutorService platform = Executors.newFixedThreadPool(500);
            try {
                assertEquals(LOGINS, concurrentBlockingLogins(platform));
            } finally {
                platform.shutdownNow();
            }
            assertConnectionsWithinTheLimit();
            return;
        }
        Path file = Files.createTempFile("wecomkit-pinning", ".jfr");
        List<RecordedEvent> pinned = new ArrayList<>();
        try (Recording recording = new Recording()) {
            recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
            recording.start();

            ExecutorService virtual = AsyncExecutor.newVirtualThreadPerTaskExecutor("pinning-test-");
            try {
                assertEquals(LOGINS, concurrentBlockingLogins(virtual), "blocking logins on virtual threads");
                assertEquals(LOGINS, concurrentAsyncLogins(), "client.async() logins");
                virtual.submit(DeliberatePin::touch).get(60, TimeUnit.SECONDS); // the control
            } finally {
                virtual.shutdown();
            }

            recording.stop();
            recording.dump(file);
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (e.getEventType().getName().equals(PINNED)) {
                    pinned.add(e);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }

        List<RecordedEvent> control = pinned.stream().filter(VirtualThreadPinningTest::isControl).toList();
        List<RecordedEvent> onTheHotPath = pinned.stream().filter(e -> !isControl(e)).toList();
        System.out.println("[virtual-thread pinning check] JDK " + Runtime.version() + ": " + 2 * LOGINS
                + " logins on virtual threads, " + onTheHotPath.size() + " jdk.VirtualThreadPinned events on the"
                + " login path (control: " + control.size() + "), " + stub.connections() + " connections");
        assertTrue(control.size() >= 1, "the recording saw no pin even for the deliberate one: it proves nothing");
        assertTrue(onTheHotPath.isEmpty(), () -> "virtual threads were pinned on the login path:\n"
                + onTheHotPath.stream().limit(3).map(VirtualThreadPinningTest::describe)
                .collect(Collectors.joining("\n")));
        assertConnectionsWithinTheLimit();
    }

    private void assertConnectionsWithinTheLimit() {
        int connections = stub.connections();
        assertTrue(connections >= 1 && connections <= WeComClient.DEFAULT_MAX_CONNECTIONS,
                "the stub saw " + connections + " connections; the limit is " + WeComClient.DEFAULT_MAX_CONNECTIONS);
    }

    /** Starts {@link #LOGINS} blocking logins on {@code threads} at once; returns how many succeeded. */
    private int concurrentBlockingLogins(ExecutorService threads) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            all.add(threads.submit(() -> {
                try {
                    go.await();
                    if (StubWeCom.USER_ID.equals(client.login("pin-code").userId())) {
                        ok.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        go.countDown();
        for (java.util.concurrent.Future<?> f : all) {
            f.get(120, TimeUnit.SECONDS);
        }
        if (failure.get() != null) {
            throw new AssertionError("a login failed", failure.get());
        }
        return ok.get();
    }

    /** Issues {@link #LOGINS} async logins at once from this thread; returns how many succeeded. */
    private int concurrentAsyncLogins() throws Exception {
        List<CompletableFuture<LoginSession>> logins = new ArrayList<>();
        for (int i = 0; i < LOGINS; i++) {
            logins.add(client.async().login("pin-code"));
        }
        CompletableFuture.allOf(logins.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
        return (int) logins.stream().filter(f -> StubWeCom.USER_ID.equals(f.join().userId())).count();
    }

    private static boolean isControl(RecordedEvent e) {
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getType().getName().equals(DeliberatePin.class.getName()));
    }

    private static String describe(RecordedEvent e) {
        StringBuilder text = new StringBuilder("pinned for " + e.getDuration().toNanos() / 1000 + " µs at");
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames().subList(0,
                    Math.min(25, e.getStackTrace().getFrames().size()))) {
                text.append("\n    ").append(f.getMethod().getType().getName()).append('.')
                        .append(f.getMethod().getName()).append(':').append(f.getLineNumber());
            }
        }
        return text.toString();
    }

    /**
     * Sleeps in its static initializer: a virtual thread that blocks while initialising a class stays on its
     * carrier even on JDK 24+, so running it must produce a pinned event.
     */
    static final class DeliberatePin {
        static {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private DeliberatePin() {
        }

        static void touch() {
            // initialising the class is the point
        }
    }
}
