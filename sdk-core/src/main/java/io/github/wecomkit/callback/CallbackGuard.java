package io.github.wecomkit.callback;

/**
 * Says whether a callback is seen for the first time, so that WeCom's retries of it are handled once. WeCom
 * resends a callback it did not see answered in time, and behind a load balancer the resend may reach another
 * instance: {@link CallbackDeduplicator} guards one process, {@code RedisCallbackGuard} (wecomkit-cache-redis) a
 * whole fleet. Keys come from {@link CallbackDeduplicator#keyOf(CallbackEvent)} and carry no secret.
 *
 * <pre>{@code
 * CallbackGuard guard = CallbackDeduplicator.create();
 * String key = CallbackDeduplicator.keyOf(event);
 * if (guard.firstSeen(key)) {
 *     try {
 *         handle(event);
 *     } catch (RuntimeException e) {
 *         guard.forget(key); // let WeCom's retry through
 *         throw e;
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe, atomic (of two concurrent {@code firstSeen} calls with one key, exactly
 * one returns {@code true}), and remember a key at least as long as WeCom keeps retrying (a few minutes).
 */
public interface CallbackGuard {

    /**
     * Records the key and says whether it is new.
     *
     * @param key the callback's key
     * @return {@code true} the first time the key is seen within the guard's window
     */
    boolean firstSeen(String key);

    /**
     * Forgets a key, so that a retry is handled again; call it when handling failed.
     *
     * @param key a key passed to {@link #firstSeen(String)}
     */
    void forget(String key);
}
