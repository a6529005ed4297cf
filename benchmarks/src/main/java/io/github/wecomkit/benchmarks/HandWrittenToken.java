package io.github.wecomkit.benchmarks;

import java.util.concurrent.Callable;

/**
 * The token cache a developer writes by hand for a baseline: fetch once, renew one minute before expiry under a
 * lock with a second check. It does the least work a correct cache can do, so the baselines stay a fair floor.
 */
final class HandWrittenToken {

    private final Callable<TokenResponse> fetch;
    private volatile String token;
    private volatile long renewAtNanos;

    HandWrittenToken(Callable<TokenResponse> fetch) {
        this.fetch = fetch;
    }

    String get() throws Exception {
        String current = token;
        if (current != null && System.nanoTime() - renewAtNanos < 0) {
            return current;
        }
        synchronized (this) {
            if (token != null && System.nanoTime() - renewAtNanos < 0) {
                return token;
            }
            TokenResponse response = fetch.call();
            if (response.errcode() != 0) {
                throw new IllegalStateException("gettoken failed: errcode=" + response.errcode());
            }
            renewAtNanos = System.nanoTime() + Math.max(1, response.expiresIn() - 60) * 1_000_000_000L;
            token = response.accessToken();
            return token;
        }
    }
}
