package io.github.wecomkit.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cold fleet: {@code clients × threadsPerClient} threads released together, each doing one login while
 * {@code gettoken} is slow. Counts the {@code gettoken} calls and the time until the last login returned.
 */
final class Fleet {

    /** One cold start. */
    record Result(long tokenCalls, long rejectedTokens, double millisForAll, long errors, Throwable firstError) {
    }

    private Fleet() {
    }

    static Result coldStart(StubWeCom stub, List<Contender> clients, int threadsPerClient)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients.size() * threadsPerClient);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Contender client : clients) {
            for (int t = 0; t < threadsPerClient; t++) {
                Thread thread = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                        client.login("fleet-code");
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                }, "fleet");
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }
        ready.await();
        long begin = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(1).toMillis());
        }
        double millis = (System.nanoTime() - begin) / 1e6;
        return new Result(stub.tokenCalls(), stub.rejectedTokens(), millis, errors.get(), firstError.get());
    }
}
