package io.github.wecomkit.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A store that implements only the four required methods gets a working {@code awaitToken} by polling. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenStoreDefaultWaitTest {

    /** The smallest possible store: a map, no lease sharing beyond this object, no notifications. */
    static final class MapStore implements TokenStore {
        final ConcurrentHashMap<String, AccessToken> tokens = new ConcurrentHashMap<>();

        @Override
        public Optional<AccessToken> get(String key) {
            return Optional.ofNullable(tokens.get(key));
        }

        @Override
        public void put(String key, AccessToken token) {
            tokens.put(key, token);
        }

        @Override
        public boolean invalidate(String key, String tokenValue) {
            return tokens.computeIfPresent(key, (k, t) -> t.value().equals(tokenValue) ? null : t) == null;
        }

        @Override
        public Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime) {
            return Optional.of(() -> { });
        }
    }

    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private static AccessToken token(String value, long expiresInSeconds) {
        return AccessToken.of(value, T0, T0.plusSeconds(expiresInSeconds));
    }

    @Test
    void awaitToken_byDefault_pollsUntilALaterExpiringTokenArrives() throws Exception {
        MapStore store = new MapStore();
        AccessToken stale = token("same", 7200);
        store.put("k", stale);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Optional<AccessToken>> waiter = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return store.awaitToken("k", stale.expiresAt(), Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        started.await();

        AccessToken restarted = token("same", 7260);
        store.put("k", restarted);

        assertEquals(restarted, waiter.get(10, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void awaitToken_byDefault_givesUpAfterMaxWait() throws Exception {
        MapStore store = new MapStore();
        AccessToken stale = token("stale", 7200);
        store.put("k", stale);

        assertEquals(Optional.empty(), store.awaitToken("k", stale.expiresAt(), Duration.ofMillis(30)));
        assertEquals("stale", store.awaitToken("k", null, Duration.ofMillis(30)).orElseThrow().value());
    }
}
