package io.github.wecomkit.internal;

import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.TokenRejectedException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComInterruptedException;
import io.github.wecomkit.observe.LeaseWaitEvent;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.observe.TokenRefreshEvent;
import io.github.wecomkit.observe.TokenStoreEvent;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStatus;
import io.github.wecomkit.token.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token lifecycle for one token (a corp's access token for one secret, a suite token, ...): a small state
 * machine over the token in hand. The whole policy lives in this file.
 *
 * <ul>
 *   <li>FRESH: used as is; no store read, no lock.</li>
 *   <li>STALE (within the refresh-ahead window): used as is, while one background task refreshes it.</li>
 *   <li>EXPIRED (within the expiry margin of its end): callers wait for the one refresh in flight; while
 *       refreshes fail, the token is still used up to WeCom's own stated end.</li>
 *   <li>ABSENT (cold start, or the token was rejected): callers wait for the one refresh in flight.</li>
 * </ul>
 *
 * <p><b>Freshness is decided by expiry, never by value.</b> WeCom answers a repeated {@code gettoken} within the
 * token's validity with the same value and a restarted validity, so a refreshed token is one that expires later
 * than the one in hand. After a rejection (40014/42001), a token counts as a replacement if it differs from the
 * rejected one, or if it was fetched after the rejection; a refresh that began before the rejection and
 * brought back the rejected value is followed by one more.
 *
 * <p><b>A refresh</b> first looks in the store (another client or process may have refreshed already), then takes
 * the store's refresh lease and fetches; whoever loses the lease waits for the winner's token. The lease outlasts
 * one fetch with all its retries. Every wait is bounded: a caller that waited that long for a refresh run by
 * another thread (or by an executor that dropped it) takes the refresh over. An interrupted leader fails only
 * itself; the others take over.
 *
 * <p><b>Failures are bounded.</b> A wrong secret (40001/40013/40091) and a rate limit (45009) are answered from
 * memory for a cooldown; other refresh failures back off (jittered, doubling, capped) instead of running back to
 * back. A token rejected again right after it was fetched for a rejection is a configuration failure
 * ({@link TokenRejectedException}): no more fetches for a cooldown. Cooldowns and backoffs run on a monotonic
 * ticker, so a step of the wall clock cannot lengthen them.
 *
 * <p>A store that throws is bypassed with one warning per outage and used again once it answers.
 */
public final class TokenManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenManager.class);

    /** After a wrong secret, calls fail from memory for this long instead of asking WeCom again. */
    static final Duration CREDENTIAL_FAILURE_COOLDOWN = Duration.ofSeconds(10);
    /** After 45009 at gettoken: WeCom's minute-level block lasts 60 s. */
    static final Duration RATE_LIMIT_COOLDOWN = Duration.ofSeconds(60);
    /** After a token was rejected right after it was fetched: no new token is fetched for this long. */
    static final Duration REJECTED_TOKEN_COOLDOWN = Duration.ofSeconds(60);
    /**
     * A token fetched because of a rejection and rejected again within this long was never good: the secret is
     * wrong for the API, not the token stale.
     */
    static final Duration REJECTED_AGAIN_WINDOW = Duration.ofSeconds(30);
    /** The first wait after a failed refresh; it doubles per failure in a row (with jitter) up to the cap. */
    static final Duration FAILURE_BACKOFF_INITIAL = Duration.ofSeconds(1);
    /** The longest wait between two failed refreshes. */
    static final Duration FAILURE_BACKOFF_MAX = Duration.ofSeconds(60);
    /** Added to the longest fetch to make the lease: store latency, a GC pause. */
    static final Duration LEASE_SLACK = Duration.ofSeconds(2);
    /** How long one waiting slice lasts before the loser of the lease looks again. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(50);

    /** Fetches a new token from WeCom. */
    @FunctionalInterface
    public interface Fetcher {
        AccessToken fetch();
    }

    /**
     * What a manager needs.
     *
     * @param key          the store key (built from the owner and a hash of the secret, never the secret)
     * @param owner        the corp or suite id, for logs, events and status
     * @param kind         which token, for events
     * @param store        where tokens are shared
     * @param fetcher      calls WeCom
     * @param clock        the wall clock: token expiry
     * @param ticker       a monotonic nanosecond ticker: cooldowns and backoffs
     * @param refreshAhead how long before it turns expired a token is refreshed in the background
     * @param expiryMargin how long before WeCom's stated end a token counts as expired
     * @param executor     where background refreshes run
     * @param fetchBudget  the longest one fetch can take with all its retries and timeouts
     * @param events       where events go
     */
    public record Config(String key, String owner, TokenKind kind, TokenStore store, Fetcher fetcher, Clock clock,
                         LongSupplier ticker, Duration refreshAhead, Duration expiryMargin, Executor executor,
                         Duration fetchBudget, Events events) {
    }

    private final Config config;
    private final String key;
    private final TokenStore store;
    private final Clock clock;
    private final LongSupplier ticker;
    private final Events events;
    /** The lease lasts longer than one fetch with its retries, so a live holder never loses it mid-fetch. */
    private final Duration leaseTime;
    /** The longest a caller waits for someone else's refresh before it takes the refresh over. */
    private final long waitBoundNanos;

    private final Object lock = new Object();
    private volatile Held held;
    private Flight inflight; // guarded by lock
    private Rejection lastRejection; // guarded by lock
    /** A failure answered from memory until its end (a wrong secret, a rate limit, a rejected fresh token). */
    private volatile Cooldown cooldown;
    /** Consecutive failed refreshes; the next may start only after {@code retryNotBeforeNanos}. */
    private volatile int failures;
    private volatile long retryNotBeforeNanos;
    private volatile RuntimeException lastFailure;
    private volatile boolean storeDown;
    private volatile boolean closed;

    public TokenManager(Config config) {
        this.config = config;
        this.key = config.key();
        this.store = config.store();
        this.clock = config.clock();
        this.ticker = config.ticker();
        this.events = config.events();
        this.leaseTime = config.fetchBudget().plus(LEASE_SLACK);
        this.waitBoundNanos = leaseTime.toNanos();
    }

    /** @return the lease time this manager asks the store for */
    public Duration leaseTime() {
        return leaseTime;
    }

    // ---- the hot path -------------------------------------------------------------------------------------

    /** The token to use now. Blocks only when there is no usable token (cold start, expired, rejected). */
    public AccessToken token() {
        Held h = held;
        if (h != null) {
            long now = clock.millis();
            if (now < h.staleAtMillis) {
                return h.token;
            }
            if (now < h.expiredAtMillis) {
                refreshInBackground(h);
                return h.token;
            }
            if (now < h.endMillis && failures > 0) {
                // Refreshes are failing: WeCom still accepts this token until its stated end, so keep using it.
                refreshInBackground(h);
                return h.token;
            }
        }
        return awaitRefresh(null);
    }

    /**
     * The token to use now, without ever blocking the caller: completed at once when a usable token is in hand,
     * otherwise when the one refresh in flight ends (a refresh this call starts runs on the refresh executor).
     * Fails with the same typed exceptions as {@link #token()}.
     */
    public CompletableFuture<AccessToken> tokenAsync() {
        Held h = held;
        if (h != null) {
            long now = clock.millis();
            if (now < h.staleAtMillis) {
                return CompletableFuture.completedFuture(h.token);
            }
            if (now < h.expiredAtMillis || now < h.endMillis && failures > 0) {
                refreshInBackground(h);
                return CompletableFuture.completedFuture(h.token);
            }
        }
        return refreshAsync(null, false);
    }

    /**
     * WeCom rejected {@code rejected} (40014/42001): forget it here and in the store, but only if it is still the
     * current value (someone may have replaced it already), and return its replacement.
     *
     * @throws TokenRejectedException if tokens keep being rejected right after they were fetched (a secret of an
     *                                app that may not call this API): no new token is fetched for a cooldown
     */
    public AccessToken tokenAfterRejection(AccessToken rejected, WeComApiException rejection) {
        checkOpen();
        Rejection r = reject(rejected, rejection);
        storeCall(() -> store.invalidate(key, rejected.value()), false);
        return awaitRefresh(r);
    }

    /**
     * {@link #tokenAfterRejection} without blocking the caller: the store is told and the refresh runs on the
     * refresh executor; the future completes with the replacement or fails with the same typed exceptions.
     */
    public CompletableFuture<AccessToken> tokenAfterRejectionAsync(AccessToken rejected,
                                                                   WeComApiException rejection) {
        Rejection r;
        try {
            checkOpen();
            r = reject(rejected, rejection);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.runAsync(() -> storeCall(() -> store.invalidate(key, rejected.value()), false),
                config.executor()).thenCompose(ignored -> refreshAsync(r, false));
    }

    /** Records a rejection (shared by every caller rejecting the same token), or fails it as a wrong secret. */
    private Rejection reject(AccessToken rejected, WeComApiException rejection) {
        synchronized (lock) {
            throwIfRejectedCooldown(rejection);
            Instant now = clock.instant();
            Rejection last = lastRejection;
            if (last != null && rejected.equals(last.replacement) && now.isBefore(rejected.expiresAt())
                    && Duration.between(last.at, now).compareTo(REJECTED_AGAIN_WINDOW) < 0) {
                // The very token fetched to replace a rejected one is rejected too: not a stale token.
                throw startRejectedCooldown(rejection);
            }
            // Several callers rejecting one token share the first rejection, so one refresh serves them all.
            Rejection r = last != null && last.isAbout(rejected) ? last : new Rejection(rejected, now);
            lastRejection = r;
            Held h = held;
            if (h != null && h.token.value().equals(rejected.value())) {
                held = null;
            }
            return r;
        }
    }

    /**
     * The token that replaced a rejected one was rejected too: a configuration failure (unless it ended during
     * the call by this client's clock). Starts the cooldown.
     *
     * @return the exception to throw
     */
    public WeComApiException rejectedAgain(AccessToken token, WeComApiException rejection) {
        if (!clock.instant().isBefore(token.expiresAt())) {
            return rejection; // it ended during the call, by our own clock: a stale token, not a wrong secret
        }
        synchronized (lock) {
            Cooldown c = cooldown;
            if (c != null && c.rejected && ticker.getAsLong() - c.untilNanos < 0) {
                return rejectedException(rejection, c);
            }
            return startRejectedCooldown(rejection);
        }
    }

    /** @return FRESH, STALE, EXPIRED or ABSENT, and what is known about failures; never calls WeCom or the store */
    public TokenStatus status() {
        Held h = held;
        RuntimeException failure = lastFailure;
        Cooldown c = cooldown;
        String failed = failure != null ? describeFailure(failure)
                : c != null && ticker.getAsLong() - c.untilNanos < 0 ? "errcode=" + c.errcode : null;
        return new TokenStatus(config.owner(), state(h),
                h == null ? Optional.empty() : Optional.of(h.token.expiresAt()), Optional.ofNullable(failed),
                storeDown);
    }

    /** Visible for tests: the state of the token in hand. */
    public String state() {
        return state(held).name();
    }

    private TokenStatus.State state(Held h) {
        if (h == null) {
            return TokenStatus.State.ABSENT;
        }
        long now = clock.millis();
        return now < h.staleAtMillis ? TokenStatus.State.FRESH
                : now < h.expiredAtMillis ? TokenStatus.State.STALE : TokenStatus.State.EXPIRED;
    }

    /** Stops background refreshes; a caller still waiting fails with {@link IllegalStateException}. */
    @Override
    public void close() {
        Flight f;
        synchronized (lock) {
            closed = true;
            f = inflight;
            inflight = null;
        }
        if (f != null) {
            f.future.completeExceptionally(Abandoned.INSTANCE);
        }
    }

    // ---- waiting for a refresh ----------------------------------------------------------------------------

    private AccessToken awaitRefresh(Rejection rejection) {
        while (true) {
            checkOpen();
            Flight flight;
            boolean mine = false;
            synchronized (lock) {
                Held h = held;
                if (h != null && clock.millis() < h.expiredAtMillis && replaces(h.token, rejection)) {
                    return h.token;
                }
                throwIfCoolingDown(rejection);
                if (failures > 0 && ticker.getAsLong() - retryNotBeforeNanos < 0) {
                    // Backing off after failed refreshes: keep a token WeCom still accepts, else say why not.
                    if (rejection == null && h != null && clock.millis() < h.endMillis) {
                        return h.token;
                    }
                    throw copy(lastFailure);
                }
                flight = inflight;
                if (flight == null || flight.overdue(waitBoundNanos)) {
                    if (flight != null) {
                        LOG.debug("token refresh in flight for {} ms without an answer; taking it over: owner={}",
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flight.startedNanos),
                                config.owner());
                    }
                    flight = new Flight(rejection);
                    inflight = flight;
                    mine = true;
                }
            }
            if (mine) {
                try {
                    return run(flight, true); // a refresh started for this very rejection replaces it
                } catch (WeComInterruptedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    Held h = held;
                    if (rejection == null && h != null && clock.millis() < h.endMillis) {
                        return h.token; // the refresh failed, but WeCom still accepts the token in hand
                    }
                    throw e;
                }
            }
            AccessToken token;
            try {
                long left = waitBoundNanos - (System.nanoTime() - flight.startedNanos);
                token = flight.future.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeComInterruptedException(e);
            } catch (TimeoutException e) {
                continue; // the flight is overdue now: the next round takes it over
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Abandoned) {
                    continue; // its leader was interrupted or its task dropped: take over
                }
                Held h = held;
                if (rejection == null && h != null && clock.millis() < h.endMillis) {
                    return h.token; // the refresh failed, but WeCom still accepts the token in hand
                }
                throw copy((RuntimeException) cause);
            }
            if (rejection == null || flight.rejection == rejection || rejection.replacedBy(token)) {
                return token;
            }
            // A refresh that began before the rejection brought the rejected token back: go once more.
        }
    }

    /**
     * The non-blocking twin of {@link #awaitRefresh}: the same checks, but a refresh runs on the executor and its
     * waiters are callbacks; a flight that stays unanswered past the wait bound is taken over, the takeover
     * running on the common pool in case the executor is what dropped it.
     */
    private CompletableFuture<AccessToken> refreshAsync(Rejection rejection, boolean takeover) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        Flight flight;
        boolean mine = false;
        synchronized (lock) {
            Held h = held;
            if (h != null && clock.millis() < h.expiredAtMillis && replaces(h.token, rejection)) {
                return CompletableFuture.completedFuture(h.token);
            }
            try {
                throwIfCoolingDown(rejection);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (failures > 0 && ticker.getAsLong() - retryNotBeforeNanos < 0) {
                return rejection == null && h != null && clock.millis() < h.endMillis
                        ? CompletableFuture.completedFuture(h.token)
                        : CompletableFuture.failedFuture(copy(lastFailure));
            }
            flight = inflight;
            if (flight == null || flight.overdue(waitBoundNanos)) {
                takeover = takeover || flight != null;
                flight = new Flight(rejection);
                inflight = flight;
                mine = true;
            }
        }
        if (mine) {
            Flight started = flight;
            Executor executor = takeover ? ForkJoinPool.commonPool() : config.executor();
            try {
                executor.execute(() -> run(started, false));
            } catch (RejectedExecutionException e) {
                abandon(started);
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "the token refresh executor rejected the refresh (is it shut down?)", e));
            }
        }
        Flight joined = flight;
        long left = Math.max(1, waitBoundNanos - (System.nanoTime() - joined.startedNanos));
        return joined.future.copy().orTimeout(left, TimeUnit.NANOSECONDS).handle((token, error) -> {
            if (error == null) {
                return rejection == null || joined.rejection == rejection || rejection.replacedBy(token)
                        ? CompletableFuture.completedFuture(token) : refreshAsync(rejection, false);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof Abandoned || cause instanceof TimeoutException) {
                return refreshAsync(rejection, cause instanceof TimeoutException);
            }
            Held h = held;
            if (rejection == null && h != null && clock.millis() < h.endMillis) {
                return CompletableFuture.completedFuture(h.token);
            }
            return CompletableFuture.<AccessToken>failedFuture(cause instanceof RuntimeException
                    ? copy((RuntimeException) cause) : cause);
        }).thenCompose(f -> f);
    }

    /** Whether {@code token} may replace the rejected one (always, when there was no rejection). */
    private static boolean replaces(AccessToken token, Rejection rejection) {
        return rejection == null || rejection.replacedBy(token) || token.equals(rejection.replacement);
    }

    private void refreshInBackground(Held stale) {
        if (closed || failures > 0 && ticker.getAsLong() - retryNotBeforeNanos < 0) {
            return;
        }
        Flight flight;
        synchronized (lock) {
            if (held != stale || inflight != null && !inflight.overdue(waitBoundNanos)) {
                return;
            }
            flight = new Flight(null);
            inflight = flight;
        }
        try {
            config.executor().execute(() -> run(flight, false));
        } catch (RejectedExecutionException e) {
            abandon(flight);
            LOG.debug("background token refresh rejected by the executor; the next call retries");
        }
    }

    // ---- one refresh ----------------------------------------------------------------------------------------

    /**
     * Runs one refresh and publishes its outcome to the flight's waiters.
     *
     * @param foreground whether the caller waits for it (exceptions are rethrown) or it runs in the background
     */
    private AccessToken run(Flight flight, boolean foreground) {
        if (closed) {
            abandon(flight);
            if (foreground) {
                checkOpen();
            }
            return null;
        }
        long start = System.nanoTime();
        events.tokenRefresh(config, TokenRefreshEvent.Phase.STARTED, false, null, 0);
        AccessToken token;
        boolean[] fetched = {false};
        try {
            token = obtain(flight.rejection, fetched);
        } catch (WeComInterruptedException e) {
            abandon(flight);
            events.tokenRefresh(config, TokenRefreshEvent.Phase.FAILED, false, e, System.nanoTime() - start);
            if (foreground) {
                throw e;
            }
            return null;
        } catch (RuntimeException | Error e) {
            failed(flight, e);
            events.tokenRefresh(config, TokenRefreshEvent.Phase.FAILED, false, e, System.nanoTime() - start);
            if (foreground) {
                throw e;
            }
            return null;
        }
        synchronized (lock) {
            Held h = held;
            if (h == null || !token.expiresAt().isBefore(h.token.expiresAt())) {
                held = new Held(token, config.refreshAhead(), config.expiryMargin());
            }
            if (inflight == flight) {
                inflight = null;
            }
            if (flight.rejection != null) {
                flight.rejection.replacement = token;
            }
            if (failures > 0) {
                LOG.info("token refresh succeeded again after {} failed attempts: owner={}", failures,
                        config.owner());
            }
            failures = 0;
            lastFailure = null;
        }
        flight.future.complete(token);
        events.tokenRefresh(config, TokenRefreshEvent.Phase.SUCCEEDED, fetched[0], null, System.nanoTime() - start);
        return token;
    }

    private void abandon(Flight flight) {
        synchronized (lock) {
            if (inflight == flight) {
                inflight = null;
            }
        }
        flight.future.completeExceptionally(Abandoned.INSTANCE);
    }

    private void failed(Flight flight, Throwable e) {
        RuntimeException failure = e instanceof RuntimeException ? (RuntimeException) e
                : new IllegalStateException("token refresh failed: " + e.getClass().getSimpleName(), e);
        int n;
        Duration next;
        synchronized (lock) {
            Duration cooling = e instanceof InvalidCredentialException ? CREDENTIAL_FAILURE_COOLDOWN
                    : e instanceof RateLimitedException ? RATE_LIMIT_COOLDOWN : null;
            if (cooling != null) {
                WeComApiException api = (WeComApiException) e;
                cooldown = new Cooldown(api.errcode(), api.errmsg(), api.api(),
                        ticker.getAsLong() + cooling.toNanos(), false, null);
            }
            n = failures + 1;
            failures = n;
            Duration backoff = backoff(n);
            retryNotBeforeNanos = ticker.getAsLong() + backoff.toNanos();
            lastFailure = failure;
            if (inflight == flight) {
                inflight = null;
            }
            next = cooling != null ? cooling : backoff;
        }
        // Logged outside the lock: a logging back end may block (files, sockets), and a waiter must not.
        if (n == 1) {
            warnFirstFailure(failure, next);
        } else {
            LOG.debug("token refresh failed again ({} in a row): owner={}, error={}, next attempt in {} ms", n,
                    config.owner(), describeFailure(failure), next.toMillis());
        }
        flight.future.completeExceptionally(failure);
    }

    private void warnFirstFailure(RuntimeException failure, Duration next) {
        Held h = held;
        String keeps;
        if (h != null && clock.millis() < h.endMillis) {
            Duration left = Duration.ofMillis(h.endMillis - clock.millis());
            keeps = "the current token stays in use until " + h.token.expiresAt() + " (" + left.toSeconds()
                    + " s from now)";
        } else {
            keeps = "there is no usable token: calls fail until a refresh succeeds";
        }
        LOG.warn("token refresh failed: owner={}, error={}; {}; next attempt in {} ms or later", config.owner(),
                describeFailure(failure), keeps, next.toMillis());
    }

    private static Duration backoff(int failuresInARow) {
        long base = FAILURE_BACKOFF_INITIAL.toMillis() << Math.min(16, failuresInARow - 1);
        long capped = Math.min(FAILURE_BACKOFF_MAX.toMillis(), base);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped - capped / 2 + 1));
    }

    /**
     * A token that replaces the one in hand (or the rejected one): from the store if someone refreshed already,
     * else fetched under the store's lease.
     */
    private AccessToken obtain(Rejection rejection, boolean[] fetched) {
        Held h = held;
        // What "newer" means for this refresh: later than the token in hand, or than the rejected token.
        Instant baseline = rejection != null ? rejection.expiresAt : h == null ? null : h.token.expiresAt();
        long deadline = System.nanoTime() + waitBoundNanos;
        long waitStart = 0;
        while (true) {
            Optional<AccessToken> stored = storeCall(() -> store.get(key), Optional.<AccessToken>empty());
            if (usable(stored, baseline, rejection)) {
                leaseWaitEnded(waitStart, true);
                return stored.get();
            }
            if (storeDown) {
                return fetch(false, fetched);
            }
            Optional<RefreshLease> lease = storeCall(() -> store.tryAcquireLease(key, leaseTime),
                    Optional.<RefreshLease>empty());
            if (lease.isPresent()) {
                try (RefreshLease ignored = lease.get()) {
                    stored = storeCall(() -> store.get(key), Optional.<AccessToken>empty());
                    if (usable(stored, baseline, rejection)) {
                        leaseWaitEnded(waitStart, true);
                        return stored.get();
                    }
                    leaseWaitEnded(waitStart, false);
                    return fetch(true, fetched);
                }
            }
            if (storeDown) {
                return fetch(false, fetched);
            }
            if (waitStart == 0) {
                waitStart = System.nanoTime() | 1;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // The lease holder neither stored a token nor let its lease lapse in time: fetch ourselves.
                LOG.debug("no token arrived from the refresh lease holder in time; fetching without the lease");
                leaseWaitEnded(waitStart, false);
                return fetch(true, fetched);
            }
            Instant newerThan = stored.map(AccessToken::expiresAt).filter(e -> baseline == null
                    || e.isAfter(baseline)).orElse(baseline);
            Duration slice = Duration.ofNanos(Math.min(left, WAIT_SLICE.toNanos()));
            Optional<AccessToken> arrived = storeCall(() -> awaitQuietly(newerThan, slice),
                    Optional.<AccessToken>empty());
            if (usable(arrived, baseline, rejection)) {
                leaseWaitEnded(waitStart, true);
                return arrived.get();
            }
        }
    }

    private void leaseWaitEnded(long waitStart, boolean tokenArrived) {
        if (waitStart != 0) {
            events.leaseWait(config, System.nanoTime() - waitStart, tokenArrived);
        }
    }

    private Optional<AccessToken> awaitQuietly(Instant newerThan, Duration slice) {
        try {
            return store.awaitToken(key, newerThan, slice);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeComInterruptedException(e);
        }
    }

    /** A stored token serves if it is fresh and newer than the baseline (or replaces the rejected token). */
    private boolean usable(Optional<AccessToken> candidate, Instant baseline, Rejection rejection) {
        if (candidate.isEmpty()) {
            return false;
        }
        AccessToken t = candidate.get();
        if (rejection != null ? !rejection.replacedBy(t) : baseline != null && !t.expiresAt().isAfter(baseline)) {
            return false;
        }
        return clock.millis() < new Held(t, config.refreshAhead(), config.expiryMargin()).staleAtMillis;
    }

    private AccessToken fetch(boolean share, boolean[] fetched) {
        fetched[0] = true;
        AccessToken token = config.fetcher().fetch();
        if (share) {
            storeCall(() -> {
                store.put(key, token);
                return null;
            }, null);
        }
        return token;
    }

    // ---- cooldowns ------------------------------------------------------------------------------------------

    private void throwIfCoolingDown(Rejection rejection) {
        Cooldown c = cooldown;
        if (c != null && ticker.getAsLong() - c.untilNanos < 0 && !c.rejected) {
            throw WeComErrorCode.toException(c.errcode, c.errmsg, c.api);
        }
    }

    private void throwIfRejectedCooldown(WeComApiException rejection) {
        Cooldown c = cooldown;
        if (c != null && c.rejected && ticker.getAsLong() - c.untilNanos < 0) {
            throw rejectedException(rejection, c);
        }
    }

    private TokenRejectedException startRejectedCooldown(WeComApiException rejection) {
        Cooldown c = new Cooldown(rejection.errcode(), rejection.errmsg(), rejection.api(),
                ticker.getAsLong() + REJECTED_TOKEN_COOLDOWN.toNanos(), true, clock.instant()
                .plus(REJECTED_TOKEN_COOLDOWN));
        cooldown = c;
        LOG.warn("WeCom rejected a token fetched moments ago: owner={}, errcode={}, api={}; {}; no new token is"
                        + " fetched until {}", config.owner(), rejection.errcode(), rejection.api(),
                likelyCause(rejection.api()), c.until);
        return rejectedException(rejection, c);
    }

    private TokenRejectedException rejectedException(WeComApiException rejection, Cooldown c) {
        return new TokenRejectedException(rejection.errcode(), rejection.errmsg(), rejection.api(),
                "WeCom rejected a token fetched moments ago, so " + likelyCause(rejection.api())
                        + "; wecomkit fetches no new token until " + c.until);
    }

    /** What a rejected fresh token most likely means, for the kind of token and the API. */
    private String likelyCause(String api) {
        switch (config.kind()) {
            case SUITE:
                return "this suite may not call this API, or the API wants a corp token (suite.corp(corpId))"
                        + " rather than the suite token";
            case PROVIDER:
                return "the provider token may not call this API";
            default:
                return api.endsWith("jscode2session")
                        ? "the secret belongs to an app that may not call this API (jscode2session needs the secret"
                                + " of the WeCom app the mini-program is associated with)"
                        : "the secret probably belongs to an app that may not call this API";
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
    }

    /**
     * Re-thrown on every waiting thread. An API failure gets a fresh copy (its own stack trace, and no cause:
     * a copy of itself as the cause would print the message twice); anything else is rethrown as is.
     */
    private static RuntimeException copy(RuntimeException e) {
        if (e instanceof WeComApiException && !(e instanceof TokenRejectedException)) {
            WeComApiException api = (WeComApiException) e;
            return WeComErrorCode.toException(api.errcode(), api.errmsg(), api.api());
        }
        return e;
    }

    private static String describeFailure(Throwable e) {
        if (e instanceof WeComApiException) {
            return e.getClass().getSimpleName() + " errcode=" + ((WeComApiException) e).errcode();
        }
        if (e instanceof WeComException && e.getMessage() != null) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return e.getClass().getSimpleName();
    }

    private <T> T storeCall(StoreOperation<T> operation, T fallback) {
        try {
            T result = operation.run();
            if (storeDown) {
                storeDown = false;
                LOG.info("token store is reachable again; sharing tokens through it: store={}", store);
                events.tokenStore(TokenStoreEvent.State.RECOVERED, store, null);
            }
            return result;
        } catch (WeComInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!storeDown) {
                storeDown = true;
                LOG.warn("token store failed; using in-process tokens until it recovers: store={}, error={}",
                        store, e.getClass().getSimpleName());
                events.tokenStore(TokenStoreEvent.State.DEGRADED, store, e);
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
        final long endMillis;

        Held(AccessToken token, Duration refreshAhead, Duration expiryMargin) {
            this.token = token;
            Duration lifetime = token.lifetime();
            // Margins shrink for short-lived tokens, so a 10-second test token is still served most of its life.
            Duration margin = min(expiryMargin, lifetime.dividedBy(10));
            Duration ahead = min(refreshAhead, lifetime.dividedBy(4));
            this.endMillis = token.expiresAt().toEpochMilli();
            this.expiredAtMillis = endMillis - margin.toMillis();
            this.staleAtMillis = expiredAtMillis - ahead.toMillis();
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    /** One refresh in flight, shared by every caller that needs it. */
    private static final class Flight {
        final CompletableFuture<AccessToken> future = new CompletableFuture<>();
        final long startedNanos = System.nanoTime();
        final Rejection rejection;

        Flight(Rejection rejection) {
            this.rejection = rejection;
        }

        boolean overdue(long boundNanos) {
            return System.nanoTime() - startedNanos - boundNanos > 0;
        }
    }

    /** WeCom rejected {@code token} at {@code at} (on the wall clock, like issuedAt). */
    private static final class Rejection {
        final AccessToken token;
        final String value;
        final Instant expiresAt;
        final Instant at;
        /** The token a refresh for this rejection brought; if WeCom rejects that one too, the secret is wrong. */
        volatile AccessToken replacement;

        Rejection(AccessToken token, Instant at) {
            this.token = token;
            this.value = token.value();
            this.expiresAt = token.expiresAt();
            this.at = at;
        }

        boolean isAbout(AccessToken t) {
            return t.value().equals(value) && t.expiresAt().equals(expiresAt);
        }

        /**
         * A token from elsewhere (the store, a refresh that began earlier) replaces the rejected one if it is a
         * different token that expires no earlier, or one fetched after the rejection. The same value with a later
         * expiry fetched before the rejection is the same bad token, only with its validity restarted.
         */
        boolean replacedBy(AccessToken t) {
            return !t.value().equals(value) && !t.expiresAt().isBefore(expiresAt) || t.issuedAt().isAfter(at);
        }
    }

    private static final class Cooldown {
        final int errcode;
        final String errmsg;
        final String api;
        final long untilNanos;
        /** A rejected fresh token (no fetching), rather than a failed fetch (answered from memory). */
        final boolean rejected;
        final Instant until;

        Cooldown(int errcode, String errmsg, String api, long untilNanos, boolean rejected, Instant until) {
            this.errcode = errcode;
            this.errmsg = errmsg;
            this.api = api;
            this.untilNanos = untilNanos;
            this.rejected = rejected;
            this.until = until;
        }
    }

    /** Completes a flight whose leader was interrupted or whose task never ran: waiters take over. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Abandoned INSTANCE = new Abandoned();

        private Abandoned() {
            super("token refresh abandoned", null, false, false);
        }
    }
}
