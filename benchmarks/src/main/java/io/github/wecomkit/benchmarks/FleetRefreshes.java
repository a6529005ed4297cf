package io.github.wecomkit.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fleet under steady paced load across several refreshes of a short-lived token: {@code clients × threads}
 * threads, each logging in every {@code pace}. Counts the {@code gettoken} calls after the cold start and the
 * refreshes they belong to (a refresh being a burst of calls less than a second apart): one call per refresh is
 * the goal, whatever WeCom answers a repeated gettoken with. Also counts the calls that waited at least the
 * {@code gettoken} latency (refresh-ahead means none should).
 */
final class FleetRefreshes {

    /** What the load saw after the cold start. */
    record Result(long calls, long waited, long tokenCallsAfterCold, long refreshes, long rejectedTokens,
                  double maxMillis, long errors, Throwable firstError) {

        double gettokenPerRefresh() {
            return refreshes == 0 ? Double.NaN : (double) tokenCallsAfterCold / refreshes;
        }
    }

    private FleetRefreshes() {
    }

    /** gettoken calls more than this apart belong to different refreshes. */
    private static final long BURST_GAP_NANOS = Duration.ofSeconds(1).toNanos();

    static Result run(StubWeCom stub, List<Contender> clients, int threadsPerClient, Duration pace, Duration length,
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
        int threads = clients.size() * threadsPerClient;
        for (int t = 0; t < threads; t++) {
            Contender client = clients.get(t % clients.size());
            long offset = pace.toNanos() * t / threads;
            Thread worker = new Thread(() -> {
                long next = begin + offset;
                while (next - end < 0) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    long start = System.nanoTime();
                    try {
                        client.login("fleet-refresh-code");
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
            }, "fleet-refresh-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        // A refresh is a burst of gettoken calls; the fleet did one call per refresh when calls == bursts.
        long refreshes = 0;
        long last = Long.MIN_VALUE;
        for (long at : stub.tokenCallTimes()) {
            if (at - coldEnd.get() > 0 && (refreshes == 0 || at - last > BURST_GAP_NANOS)) {
                refreshes++;
            }
            last = at;
        }
        return new Result(calls.get(), waited.get(), stub.tokenCalls() - tokenCallsAtColdEnd.get(), refreshes,
                stub.rejectedTokens(), maxNanos.get() / 1e6, errors.get(), firstError.get());
    }

    /** {@code logins} sequential logins that all fail; returns the gettoken calls they cost. */
    static long persistentRejection(StubWeCom stub, Contender client, int logins) {
        for (int i = 0; i < logins; i++) {
            try {
                client.login("rejected-code");
            } catch (Exception expected) {
                // every login fails: the token's app may not call jscode2session
            }
        }
        return stub.tokenCalls();
    }
}
