package io.github.wecomkit.benchmarks;

import java.time.Duration;
import java.util.List;

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
        // One client is a fleet of one: the same paced load and the same counting.
        FleetRefreshes.Result r = FleetRefreshes.run(stub, List.of(client), threads, pace, length, tokenLatency);
        return new Result(r.calls(), r.waited(), r.tokenCallsAfterCold(), r.rejectedTokens(), r.maxMillis(),
                r.errors(), r.firstError());
    }
}
