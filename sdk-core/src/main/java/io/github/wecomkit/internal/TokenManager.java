package io.github.wecomkit.internal;

import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComInterruptedException;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token lifecycle for one app (corp and secret): a small state machine over the token in hand.
 *
 * <ul>
 *   <li>FRESH: used as is; no store read, no lock.</li>
 *   <li>STALE (within the refresh-ahead window): used as is, while one background task refreshes it.</li>
 *   <li>EXPIRED (within the expiry margin of its end) or absent: callers wait for the one refresh in flight.</li>
 * </ul>
 *
 * <p>A refresh first looks in the store (another client or process may have refreshed already), then takes the
 * store's refresh lease and calls {@code gettoken}; whoever loses the lease waits for the winner's token. The
 * store is only touched when a refresh is due, so a shared store is read about once per refresh window.
 * A store that throws is bypassed with one warning per outage and used again once it answers.
 */
public final class TokenManager {
    private static final Logger LOG = LoggerFactory.getLogger(TokenManager.class);

    /** After a wrong secret, calls fail from memory for this long instead of asking WeCom again. */
    static final Duration CREDENTIAL_FAILURE_COOLDOWN = Duration.ofSeconds(10);
    /** After 45009 at gettoken: WeCom's minute-level block lasts 60 s. */
    static final Duration RATE_LIMIT_COOLDOWN = Duration.ofSeconds(60);
    /** After a failed background refresh, the next one waits at least this long (the old token still works). */
    static final Duration BACKGROUND_RETRY_INTERVAL = Duration.ofSeconds(5);
    /** How long one waiting slice lasts before the loser of the lease looks again. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(50);

    /** Fetches a new token from WeCom. */
    @FunctionalInterface
    public interface Fetcher {
        AccessToken fetch();
    }

    private final String key;
    private final TokenStore store;
    private final Fetcher fetcher;
    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration expiryMargin;
    private final Executor executor;
    private final Duration leaseTime;
    private final Duration leaseWait;

    private final Object lock = new Object();
    private volatile Held held;
    private CompletableFuture<AccessToken> inflight; // guarded by lock
    private volatile long backgroundRetryNotBeforeMillis = Long.MIN_VALUE;
    private volatile Failure lastFailure;
    private volatile boolean storeDown;

    public TokenManager(String key, TokenStore store, Fetcher fetcher, Clock clock, Duration refreshAhead,
                        Duration expiryMargin, Executor executor, Duration leaseTime, Duration leaseWait) {
        this.key = key;
        this.store = store;
        this.fetcher = fetcher;
        this.clock = clock;
        this.refreshAhead = refreshAhead;
        this.expiryMargin = expiryMargin;
        this.executor = executor;
        this.leaseTime = leaseTime;
        this.leaseWait = leaseWait;
    }

    /** The token to use now. Blocks only when there is no usable token (cold start, or expired). */
    public AccessToken token() {
        Held h = held;
        if (h != null) {
            long now = clock.millis();
            if (now < h.staleAtMillis) {
                return h.token;
            }
            if (now < h.expiredAtMillis) {
                refreshInBackground(h.token, now);
                return h.token;
            }
        }
        return awaitRefresh(null);
    }

    /**
     * WeCom rejected {@code rejected} (40014/42001): forget it here and in the store, but only if it is still
     * the current value (someone may have replaced it already), and return a token with another value.
     */
    public AccessToken tokenAfterRejection(AccessToken rejectedToken, WeComApiException rejection) {
        String rejected = rejectedToken.value();
        Held h = held;
        if (h != null && h.token.value().equals(rejected)) {
            synchronized (lock) {
                if (held == h) {
                    held = null;
                }
            }
        }
        storeCall(() -> store.invalidate(key, rejected), false);
        return awaitRefresh(rejected);
    }

    /** Visible for tests: the state of the token in hand. */
    public String state() {
        Held h = held;
        if (h == null) {
            return "ABSENT";
        }
        long now = clock.millis();
        return now < h.staleAtMillis ? "FRESH" : now < h.expiredAtMillis ? "STALE" : "EXPIRED";
    }

    private AccessToken awaitRefresh(String rejected) {
        for (int round = 0; ; round++) {
            CompletableFuture<AccessToken> future;
            boolean mine = false;
            synchronized (lock) {
                Held h = held;
                if (h != null && clock.millis() < h.expiredAtMillis && !h.token.value().equals(rejected)) {
                    return h.token;
                }
                throwIfCoolingDown();
                future = inflight;
                if (future == null) {
                    future = new CompletableFuture<>();
                    inflight = future;
                    mine = true;
                }
            }
            if (mine) {
                refresh(future, rejected);
            }
            AccessToken token = join(future);
            // A refresh started by someone else may have found the very token we were told is bad; go once more.
            if (rejected == null || !token.value().equals(rejected) || round > 0) {
                return token;
            }
        }
    }

    private void refreshInBackground(AccessToken stale, long now) {
        if (now < backgroundRetryNotBeforeMillis) {
            return;
        }
        CompletableFuture<AccessToken> future;
        synchronized (lock) {
            if (inflight != null || held == null || held.token != stale) {
                return;
            }
            future = new CompletableFuture<>();
            inflight = future;
        }
        CompletableFuture<AccessToken> started = future;
        try {
            executor.execute(() -> refresh(started, null));
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                inflight = null;
            }
            started.completeExceptionally(e);
            LOG.debug("background token refresh rejected by the executor; the next call retries", e);
        }
    }

    private void refresh(CompletableFuture<AccessToken> future, String rejected) {
        AccessToken token;
        try {
            String known = rejected != null ? rejected : currentValue();
            token = obtain(known);
        } catch (RuntimeException | Error e) {
            remember(e);
            synchronized (lock) {
                if (inflight == future) {
                    inflight = null;
                }
            }
            future.completeExceptionally(e);
            return;
        }
        synchronized (lock) {
            held = new Held(token, refreshAhead, expiryMargin);
            if (inflight == future) {
                inflight = null;
            }
            lastFailure = null;
        }
        future.complete(token);
    }

    private String currentValue() {
        Held h = held;
        return h == null ? null : h.token.value();
    }

    /** A token whose value is not {@code known}: from the store if someone refreshed, else fetched under lease. */
    private AccessToken obtain(String known) {
        long deadline = System.nanoTime() + leaseTime.plus(leaseWait).toNanos();
        while (true) {
            Optional<AccessToken> stored = storeCall(() -> store.get(key), Optional.<AccessToken>empty());
            if (usable(stored, known)) {
                return stored.get();
            }
            if (storeDown) {
                return fetch(false);
            }
            Optional<RefreshLease> lease = storeCall(() -> store.tryAcquireLease(key, leaseTime),
                    Optional.<RefreshLease>empty());
            if (lease.isPresent()) {
                try (RefreshLease ignored = lease.get()) {
                    stored = storeCall(() -> store.get(key), Optional.<AccessToken>empty());
                    if (usable(stored, known)) {
                        return stored.get();
                    }
                    return fetch(true);
                }
            }
            if (storeDown) {
                return fetch(false);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // The lease holder neither stored a token nor let its lease lapse in time: fetch ourselves.
                LOG.debug("no token arrived from the refresh lease holder in time; fetching without the lease");
                return fetch(true);
            }
            java.time.Instant stale = stored.map(AccessToken::expiresAt).orElse(null);
            Duration slice = Duration.ofNanos(Math.min(left, WAIT_SLICE.toNanos()));
            Optional<AccessToken> arrived = storeCall(() -> awaitQuietly(stale, slice), Optional.<AccessToken>empty());
            if (usable(arrived, known)) {
                return arrived.get();
            }
        }
    }

    private Optional<AccessToken> awaitQuietly(java.time.Instant stale, Duration slice) {
        try {
            return store.awaitToken(key, stale, slice);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeComInterruptedException(e);
        }
    }

    private boolean usable(Optional<AccessToken> candidate, String known) {
        if (candidate.isEmpty() || candidate.get().value().equals(known)) {
            return false;
        }
        return clock.millis() < new Held(candidate.get(), refreshAhead, expiryMargin).staleAtMillis;
    }

    private AccessToken fetch(boolean share) {
        AccessToken token = fetcher.fetch();
        if (share) {
            storeCall(() -> {
                store.put(key, token);
                return null;
            }, null);
        }
        return token;
    }

    private void remember(Throwable e) {
        Duration cooldown = null;
        if (e instanceof InvalidCredentialException) {
            cooldown = CREDENTIAL_FAILURE_COOLDOWN;
        } else if (e instanceof RateLimitedException) {
            cooldown = RATE_LIMIT_COOLDOWN;
        }
        if (cooldown != null) {
            WeComApiException api = (WeComApiException) e;
            lastFailure = new Failure(api.errcode(), api.errmsg(), api.api(), clock.millis() + cooldown.toMillis());
        }
        backgroundRetryNotBeforeMillis = clock.millis() + BACKGROUND_RETRY_INTERVAL.toMillis();
    }

    private void throwIfCoolingDown() {
        Failure failure = lastFailure;
        if (failure != null && clock.millis() < failure.untilMillis) {
            throw WeComErrorCode.toException(failure.errcode, failure.errmsg, failure.api);
        }
    }

    private static AccessToken join(CompletableFuture<AccessToken> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeComInterruptedException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WeComException) {
                // Re-thrown on every waiting thread; a fresh copy keeps each caller's stack trace honest.
                throw copy((WeComException) cause);
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new CompletionException(cause);
        }
    }

    private static WeComException copy(WeComException e) {
        if (e instanceof WeComApiException) {
            WeComApiException api = (WeComApiException) e;
            WeComApiException copy = WeComErrorCode.toException(api.errcode(), api.errmsg(), api.api());
            copy.initCause(e);
            return copy;
        }
        return e;
    }

    private <T> T storeCall(StoreOperation<T> operation, T fallback) {
        try {
            T result = operation.run();
            if (storeDown) {
                storeDown = false;
                LOG.info("token store is reachable again; sharing tokens through it: store={}", store);
            }
            return result;
        } catch (WeComInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!storeDown) {
                storeDown = true;
                LOG.warn("token store failed; using in-process tokens until it recovers: store={}, error={}",
                        store, e.getClass().getSimpleName());
            }
            return fallback;
        }
    }

    @FunctionalInterface
    private interface StoreOperation<T> {
        T run();
    }

    /** A token with its state boundaries computed once, so the hot path compares two longs. */
    private static final class Held {
        final AccessToken token;
        final long staleAtMillis;
        final long expiredAtMillis;

        Held(AccessToken token, Duration refreshAhead, Duration expiryMargin) {
            this.token = token;
            Duration lifetime = token.lifetime();
            // Margins shrink for short-lived tokens, so a 10-second test token is still served most of its life.
            Duration margin = min(expiryMargin, lifetime.dividedBy(10));
            Duration ahead = min(refreshAhead, lifetime.dividedBy(4));
            this.expiredAtMillis = token.expiresAt().minus(margin).toEpochMilli();
            this.staleAtMillis = expiredAtMillis - ahead.toMillis();
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    private record Failure(int errcode, String errmsg, String api, long untilMillis) {
    }
}
