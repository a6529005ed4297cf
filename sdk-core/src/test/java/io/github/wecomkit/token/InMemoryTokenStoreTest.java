package io.github.wecomkit.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InMemoryTokenStoreTest {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";
    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final InMemoryTokenStore store = new InMemoryTokenStore(clock);

    private AccessToken token(String value, long seconds) {
        Instant now = clock.instant();
        return AccessToken.of(value, now, now.plusSeconds(seconds));
    }

    @Test
    void get_afterPut_returnsTheToken_untilItsExpiry() {
        AccessToken t = token("t1", 7200);
        store.put(KEY, t);

        assertEquals(Optional.of(t), store.get(KEY));
        clock.advance(Duration.ofSeconds(7199));
        assertEquals(Optional.of(t), store.get(KEY));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), store.get(KEY));
    }

    @Test
    void invalidate_removesOnlyTheSameValue() {
        store.put(KEY, token("new", 7200));

        assertFalse(store.invalidate(KEY, "old"));
        assertEquals("new", store.get(KEY).orElseThrow().value());
        assertTrue(store.invalidate(KEY, "new"));
        assertEquals(Optional.empty(), store.get(KEY));
        assertFalse(store.invalidate(KEY, "new"));
    }

    @Test
    void lease_isExclusiveUntilReleased() {
        Optional<RefreshLease> first = store.tryAcquireLease(KEY, Duration.ofSeconds(10));
        Optional<RefreshLease> second = store.tryAcquireLease(KEY, Duration.ofSeconds(10));

        assertTrue(first.isPresent());
        assertTrue(second.isEmpty());
        assertTrue(store.tryAcquireLease("other-key", Duration.ofSeconds(10)).isPresent());
        first.get().close();
        assertTrue(store.tryAcquireLease(KEY, Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void lease_ofADeadHolder_endsByItself_andItsLateReleaseDoesNotFreeTheNewHolder() {
        RefreshLease dead = store.tryAcquireLease(KEY, Duration.ofSeconds(10)).orElseThrow();
        clock.advance(Duration.ofSeconds(10));

        RefreshLease next = store.tryAcquireLease(KEY, Duration.ofSeconds(10)).orElseThrow();
        dead.close();

        assertTrue(store.tryAcquireLease(KEY, Duration.ofSeconds(10)).isEmpty(), "next still holds it");
        next.close();
        assertTrue(store.tryAcquireLease(KEY, Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void awaitToken_wakesWhenANewValueIsPut() throws Exception {
        store.put(KEY, token("stale", 7200));
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Optional<AccessToken>> waiter = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return store.awaitToken(KEY, "stale", Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();

        store.put(KEY, token("fresh", 7200));

        assertEquals("fresh", waiter.get(10, TimeUnit.SECONDS).orElseThrow().value());
    }

    @Test
    void awaitToken_withNothingNew_returnsEmptyAfterMaxWait() throws Exception {
        store.put(KEY, token("stale", 7200));

        assertEquals(Optional.empty(), store.awaitToken(KEY, "stale", Duration.ofMillis(20)));
        assertEquals("stale", store.awaitToken(KEY, null, Duration.ofMillis(20)).orElseThrow().value());
    }

    @Test
    void accessToken_rejectsBadValues_andHidesItsValue() {
        Instant now = clock.instant();
        assertThrows(IllegalArgumentException.class, () -> AccessToken.of(" ", now, now.plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> AccessToken.of("v", now, now));
        assertThrows(NullPointerException.class, () -> AccessToken.of(null, now, now.plusSeconds(1)));
        AccessToken t = AccessToken.of("secret-token-value", now, now.plusSeconds(7200));
        assertFalse(t.toString().contains("secret-token-value"));
        assertEquals(Duration.ofSeconds(7200), t.lifetime());
        assertEquals(t, AccessToken.of("secret-token-value", now, now.plusSeconds(7200)));
        assertEquals(t.hashCode(), AccessToken.of("secret-token-value", now, now.plusSeconds(7200)).hashCode());
    }
}
