package io.github.wecomkit.redis;

import io.github.wecomkit.token.AccessToken;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/** Store calls the integration tests make in many places. */
final class StoreCalls {
    private StoreCalls() {
    }

    /** {@code store.awaitToken(..)} on another thread. */
    static CompletableFuture<Optional<AccessToken>> awaitAsync(RedisTokenStore store, String key,
                                                               Instant expiresAfter, Duration maxWait,
                                                               Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.awaitToken(key, expiresAfter, maxWait);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, executor);
    }

    static CompletableFuture<Optional<AccessToken>> awaitAsync(RedisTokenStore store, String key,
                                                               Instant expiresAfter, Duration maxWait) {
        return awaitAsync(store, key, expiresAfter, maxWait, ForkJoinPool.commonPool());
    }

    /** Whether the store answers a read now (its Redis is reachable), rather than throwing. */
    static boolean answers(RedisTokenStore store) {
        try {
            store.get("access_token:wwprobe:0000000000000000");
            return true;
        } catch (RedisStoreException e) {
            return false;
        }
    }
}
