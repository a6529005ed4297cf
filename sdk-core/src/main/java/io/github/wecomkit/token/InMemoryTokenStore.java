package io.github.wecomkit.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The default {@link TokenStore}: tokens in this JVM only, on Caffeine, each forgotten at its own expiry.
 * Share one instance between clients of the same app in a process; use a shared store (Redis) across
 * processes.
 *
 * <pre>{@code
 * TokenStore store = new InMemoryTokenStore();
 * }</pre>
 */
public final class InMemoryTokenStore implements TokenStore {
    /** How many distinct apps (corp and secret pairs) one store holds before evicting the least used. */
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

    private final Clock clock;
    private final Cache<String, AccessToken> tokens;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final Object signal = new Object();

    /** A store on the system clock. */
    public InMemoryTokenStore() {
        this(Clock.systemUTC());
    }

    /**
     * A store whose expiry follows {@code clock}; tests pass a fake clock.
     *
     * @param clock the clock that decides when a token or a lease has ended
     */
    public InMemoryTokenStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
        this.tokens = Caffeine.newBuilder()
                .maximumSize(DEFAULT_MAXIMUM_SIZE)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<String, AccessToken>() {
                    @Override
                    public long expireAfterCreate(String key, AccessToken token, long currentTime) {
                        return nanosUntil(token.expiresAt());
                    }

                    @Override
                    public long expireAfterUpdate(String key, AccessToken token, long currentTime,
                                                  long currentDuration) {
                        return nanosUntil(token.expiresAt());
                    }

                    @Override
                    public long expireAfterRead(String key, AccessToken token, long currentTime,
                                                long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private long nanosUntil(Instant instant) {
        return Math.max(0, Duration.between(clock.instant(), instant).toNanos());
    }

    @Override
    public Optional<AccessToken> get(String key) {
        Objects.requireNonNull(key, "key == null");
        AccessToken token = tokens.getIfPresent(key);
        if (token == null || !token.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(token);
    }

    @Override
    public void put(String key, AccessToken token) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(token, "token == null");
        // Atomic per key: the check and the write cannot interleave with another put.
        tokens.asMap().merge(key, token, (current, offered) ->
                offered.expiresAt().isBefore(current.expiresAt()) ? current : offered);
        wakeWaiters();
    }

    @Override
    public boolean invalidate(String key, String tokenValue) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(tokenValue, "tokenValue == null");
        boolean[] removed = {false};
        tokens.asMap().computeIfPresent(key, (k, current) -> {
            if (current.value().equals(tokenValue)) {
                removed[0] = true;
                return null;
            }
            return current;
        });
        return removed[0];
    }

    @Override
    public Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime) {
        Objects.requireNonNull(key, "key == null");
        Objects.requireNonNull(leaseTime, "leaseTime == null");
        Instant now = clock.instant();
        Lease mine = new Lease(key, now.plus(leaseTime));
        Lease holder = leases.compute(key, (k, current) ->
                current == null || !current.expiresAt.isAfter(now) ? mine : current);
        return holder == mine ? Optional.of(mine) : Optional.empty();
    }

    @Override
    public Optional<AccessToken> awaitToken(String key, Instant expiresAfter, Duration maxWait)
            throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (signal) {
            while (true) {
                Optional<AccessToken> token = get(key);
                if (token.isPresent() && TokenStore.isNewer(token.get(), expiresAfter)) {
                    return token;
                }
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    return Optional.empty();
                }
                signal.wait(leftMillis);
            }
        }
    }

    private void wakeWaiters() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore{size=" + tokens.estimatedSize() + "}";
    }

    private final class Lease implements RefreshLease {
        private final String key;
        private final Instant expiresAt;

        Lease(String key, Instant expiresAt) {
            this.key = key;
            this.expiresAt = expiresAt;
        }

        @Override
        public void close() {
            if (leases.remove(key, this)) {
                wakeWaiters();
            }
        }
    }
}
