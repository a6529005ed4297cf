package io.github.wecomkit.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where access tokens live between calls, shared by every client (and, for a shared store such as Redis, every
 * process) that uses it. The store only stores; the refresh policy (when a token is fresh, stale or expired,
 * who fetches) lives in the client. Implementations must be thread-safe.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder()
 *         .corpId(corpId).secret(secret)
 *         .tokenStore(new InMemoryTokenStore())   // the default
 *         .build();
 * }</pre>
 *
 * <p>Keys are built by the client from the corp id and a hash of the secret; they never contain a secret.
 * A store may add its own prefix. An implementation may throw any {@link RuntimeException} when its backend
 * is down: the client then degrades to in-process tokens, logs one warning, and keeps serving calls.
 */
public interface TokenStore {

    /**
     * @param key the token key
     * @return the stored token, if any and not past its {@link AccessToken#expiresAt()}
     */
    Optional<AccessToken> get(String key);

    /**
     * Stores a token, unless the store holds one that expires later: a put never replaces a token with one that
     * ends earlier, so an instance whose refresh finished late cannot overwrite the newer token another instance
     * stored meanwhile. The check and the write must be one atomic step. The store must forget the token no
     * later than its {@code expiresAt}.
     *
     * <p>WeCom may answer a repeated {@code gettoken} with the same value and a restarted validity, so two tokens
     * with one value but different expiries are two versions of one token: the later expiry wins.
     *
     * @param key   the token key
     * @param token the token to store
     */
    void put(String key, AccessToken token);

    /**
     * Removes the token under {@code key} only if its value is still {@code tokenValue}, atomically. A caller
     * that got "invalid token" for an old token therefore never removes the new one someone else just stored.
     *
     * @param key        the token key
     * @param tokenValue the value that WeCom rejected
     * @return whether a token was removed
     */
    boolean invalidate(String key, String tokenValue);

    /**
     * Tries, without waiting, to take the refresh lease for {@code key}. A shared store makes this exclusive
     * across processes; the lease ends by itself after {@code leaseTime} if its holder dies.
     *
     * @param key       the token key
     * @param leaseTime how long the lease lasts unless released
     * @return the lease, or empty if someone else holds it
     */
    Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime);

    /**
     * Waits up to {@code maxWait} for a token under {@code key} that expires after {@code expiresAfter} (any token
     * when it is {@code null}): a refreshed token is recognised by its later expiry, never by its value, since
     * WeCom may hand out the same value again. Called by the clients that lost the lease. The default polls
     * {@link #get(String)} every 5 ms; a store with notifications (Redis pub/sub) can answer sooner.
     *
     * @param key          the token key
     * @param expiresAfter the expiry of the token the caller already has (stale or rejected), or {@code null}
     * @param maxWait      the longest to wait
     * @return the newer token, or empty if none arrived in time
     * @throws InterruptedException if the waiting thread is interrupted
     */
    default Optional<AccessToken> awaitToken(String key, Instant expiresAfter, Duration maxWait)
            throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Optional<AccessToken> token = get(key);
            if (token.isPresent() && isNewer(token.get(), expiresAfter)) {
                return token;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Thread.sleep(Math.max(1, Math.min(5, left / 1_000_000)));
        }
    }

    /**
     * @param token        a token
     * @param expiresAfter an expiry, or {@code null}
     * @return whether {@code token} expires after {@code expiresAfter} (always, when it is {@code null})
     */
    static boolean isNewer(AccessToken token, Instant expiresAfter) {
        return expiresAfter == null || token.expiresAt().isAfter(expiresAfter);
    }
}
