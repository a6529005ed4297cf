package io.github.wecomkit.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady paced load across a short-lived token's refresh-ahead point and its expiry, with a slow
 * {@code gettoken}: every call that took at least the {@code gettoken} latency after the cold start waited for a
 * refresh, which is what refresh-ahead exists to prevent.
 */
final class RefreshBoundary {

    /** What the load saw after its first successful call. */
    record Result(long calls, long waited, long tokenCallsAfterCold, long rejectedTokens, double maxMillis,
                  long errors, Throwable firstError) {
    }

    private RefreshBoundary() {
    }

    static Result run(StubWeCom stub, Contender client, int threads, Duration pace, Duration length,
                      Duration tokenLatency) throws InterruptedException {
        long waitThreshold = tokenLatency.toNanos();
        AtomicLong coldEnd = new AtomicLong(Long.MAX_VALUE);
        AtomicLong tokenCallsAtColdEnd = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicLong waited = new AtomicLong();
        AtomicLong maxNanos = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long begin = System.nanoTime();
        long end = begin + length.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long offset = pace.toNanos() * t / threads;
            Thread worker = new Thread(() -> {
                long next = begin + offset;
                while (next - end < 0) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    long start = System.nanoTime();
                    try {
                        client.login("boundary-code");
                        long done = System.nanoTime();
                        if (coldEnd.compareAndSet(Long.MAX_VALUE, done)) {
                            tokenCallsAtColdEnd.set(stub.tokenCalls());
                        }
                        if (start - coldEnd.get() >= 0) {
                            calls.incrementAndGet();
                            maxNanos.accumulateAndGet(done - start, Math::max);
                            if (done - start >= waitThreshold) {
                                waited.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                    next += pace.toNanos();
                }
            }, "boundary-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return new Result(calls.get(), waited.get(), stub.tokenCalls() - tokenCallsAtColdEnd.get(),
                stub.rejectedTokens(), maxNanos.get() / 1e6, errors.get(), firstError.get());
    }
}
