package io.github.wecomkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The async executor: virtual threads by default where the running JDK has them, else a bounded pool; checked on
 * whichever JDK runs the build (CI runs it on 17 and on 25).
 */
@Timeout(60)
class AsyncExecutorTest {

    private static boolean isVirtual(Thread t) throws Exception {
        return (boolean) Thread.class.getMethod("isVirtual").invoke(t);
    }

    @Test
    void theDefault_runsOnVirtualThreadsOnJdk21Plus_elseOnTheBoundedPool() throws Exception {
        AsyncExecutor async = AsyncExecutor.of(null, 3);
        try {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            async.execute(() -> ran.complete(Thread.currentThread()));
            Thread thread = ran.get(30, TimeUnit.SECONDS);

            if (Runtime.version().feature() >= 21) {
                assertTrue(AsyncExecutor.virtualThreadsAvailable());
                assertTrue(isVirtual(thread), thread.toString());
                assertTrue(thread.getName().startsWith("wecomkit-async-"), thread.getName());
                assertEquals("virtual threads, one per call", async.describe());
            } else {
                assertFalse(AsyncExecutor.virtualThreadsAvailable());
                assertTrue(thread.getName().startsWith("wecomkit-async-"), thread.getName());
                assertTrue(thread.isDaemon());
                ThreadPoolExecutor pool = assertInstanceOf(ThreadPoolExecutor.class, async.executor());
                assertEquals(3, pool.getMaximumPoolSize());
                assertEquals(3 * AsyncExecutor.QUEUE_PER_THREAD, pool.getQueue().remainingCapacity());
                assertEquals("3 platform threads, queue of 48", async.describe());
            }
        } finally {
            async.close();
        }
    }

    @Test
    void theBoundedPool_rejectsOnceItsThreadsAndQueueAreFull() throws Exception {
        ThreadPoolExecutor pool = AsyncExecutor.newBoundedPool(1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                running.countDown();
                awaitQuietly(release);
            });
            assertTrue(running.await(30, TimeUnit.SECONDS));
            pool.execute(() -> { });
            pool.execute(() -> { });

            assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        } finally {
            release.countDown();
            pool.shutdown();
        }
    }

    @Test
    void aGivenExecutor_isUsed_andNotShutDownOnClose() {
        Executor mine = Runnable::run;
        AsyncExecutor async = AsyncExecutor.of(mine, 64);
        async.close();

        assertSame(mine, async.executor());
        assertEquals("the caller's executor", async.describe());
    }

    @Test
    void afterClose_theDefaultRefusesNewCalls() {
        AsyncExecutor async = AsyncExecutor.of(null, 2);
        async.close();

        assertThrows(RejectedExecutionException.class, () -> async.execute(() -> { }));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
