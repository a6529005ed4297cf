package io.github.wecomkit.redis;

/**
 * Redis refused this store's configuration, so waiting will not help: a wrong user name or password, a user
 * without permission for a command the store needs, a server certificate that is not trusted or names another
 * host, or a server (or proxy) that cannot run Lua scripts. {@link #retryable()} is {@code false}.
 *
 * <pre>{@code
 * try {
 *     store.get(key);
 * } catch (RedisStoreConfigurationException e) {
 *     log.error("fix the Redis settings: {}", e.getMessage());
 * }
 * }</pre>
 *
 * <p>{@code WeComClient} survives it like any store failure (it logs one warning and uses in-process tokens); the
 * store logs the reason once, as a warning. The message says what to fix and never contains the password.
 */
public final class RedisStoreConfigurationException extends RedisStoreException {
    private static final long serialVersionUID = 1L;

    RedisStoreConfigurationException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
