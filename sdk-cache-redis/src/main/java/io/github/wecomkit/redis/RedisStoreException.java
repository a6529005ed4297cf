package io.github.wecomkit.redis;

import io.github.wecomkit.error.WeComException;

/**
 * Redis did not answer a store's command in time, or could not be reached. Callers of {@code WeComClient} never
 * see it for a {@link RedisTokenStore}: the client catches it, serves in-process tokens, and returns to the store
 * when Redis answers again. It reaches code that calls a store directly, and the callers of {@code SuiteClient}
 * when its ticket or permanent-code store is down (there is no in-process stand-in for a shared ticket or code).
 *
 * <pre>{@code
 * try {
 *     store.get(key);
 * } catch (RedisStoreConfigurationException e) {
 *     // wrong password, untrusted certificate, a server without Lua: fix the configuration
 * } catch (RedisStoreException e) {
 *     // Redis is down or slow; e.retryable() is true
 * }
 * }</pre>
 *
 * <p>The message names the operation and the failure, never a key's token or a password.
 */
public class RedisStoreException extends WeComException {
    private static final long serialVersionUID = 1L;

    RedisStoreException(String message, Throwable cause) {
        this(message, cause, true);
    }

    RedisStoreException(String message, Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
