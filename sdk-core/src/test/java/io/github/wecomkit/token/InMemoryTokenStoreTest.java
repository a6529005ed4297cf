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
    void put_neverReplacesATokenWithOneThatExpiresEarlier() {
        AccessToken later = token("later", 7200);
        store.put(KEY, later);

        store.put(KEY, token("earlier", 7100));

        assertEquals(Optional.of(later), store.get(KEY));
        AccessToken sameValueRestarted = AccessToken.of("later", clock.instant().plusSeconds(60),
                clock.instant().plusSeconds(7260));
        store.put(KEY, sameValueRestarted);
        assertEquals(Optional.of(sameValueRestarted), store.get(KEY), "the same value with a later expiry wins");
    }

    @Test
    void put_afterTheStoredTokenExpired_storesTheNewOne() {
        store.put(KEY, token("old", 10));
        clock.advance(Duration.ofSeconds(11));

        AccessToken fresh = AccessToken.of("fresh", clock.instant().minusSeconds(5), clock.instant().plusSeconds(1));
        store.put(KEY, fresh);

        assertEquals(Optional.of(fresh), store.get(KEY));
    }

    @Test
    void awaitToken_wakesWhenALaterExpiringTokenIsPut_evenWithTheSameValue() throws Exception {
        AccessToken held = token("same", 7200);
        store.put(KEY, held);
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Optional<AccessToken>> waiter = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            try {
                return store.awaitToken(KEY, held.expiresAt(), Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        waiting.await();

        clock.advance(Duration.ofSeconds(30));
        AccessToken restarted = token("same", 7200); // WeCom's answer within validity: same value, new expiry
        store.put(KEY, restarted);

        assertEquals(Optional.of(restarted), waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void awaitToken_withNothingNewer_returnsEmptyAfterMaxWait() throws Exception {
        AccessToken held = token("held", 7200);
        store.put(KEY, held);

        assertEquals(Optional.empty(), store.awaitToken(KEY, held.expiresAt(), Duration.ofMillis(20)));
        assertEquals(Optional.of(held), store.awaitToken(KEY, null, Duration.ofMillis(20)));
        assertEquals(Optional.of(held), store.awaitToken(KEY, held.expiresAt().minusMillis(1), Duration.ofMillis(20)));
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
