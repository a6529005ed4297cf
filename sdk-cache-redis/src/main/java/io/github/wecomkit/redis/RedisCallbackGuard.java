package io.github.wecomkit.redis;

import io.github.wecomkit.callback.CallbackDeduplicator;
import io.github.wecomkit.callback.CallbackGuard;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A {@link CallbackGuard} on Redis: WeCom's retry of a callback, which behind a load balancer may land on another
 * instance, is handled once for the whole fleet. One {@code SET NX PX} per callback decides, atomically, which
 * instance handles it.
 *
 * <pre>{@code
 * CallbackGuard guard = RedisCallbackGuard.create("redis://127.0.0.1:6379");
 * SuiteCallbackHandler handler = SuiteCallbackHandler.builder()....guard(guard).build();
 * }</pre>
 *
 * <p>Layout, for the prefix {@code P}: {@code P{callback:<hash>}}, where the hash is the first 32 hex digits of
 * the SHA-256 of the callback's key, holds {@code 1} for the guard's window. Keys carry no callback content.
 */
public final class RedisCallbackGuard implements CallbackGuard, AutoCloseable {
    private final KeyLayout layout;
    private final Duration window;
    private final RedisLink link;

    private RedisCallbackGuard(Builder b) {
        this.layout = new KeyLayout(b.keyPrefix);
        this.window = b.window;
        this.link = RedisLink.open("callback guard", b);
    }

    /**
     * @param redisUri for example {@code redis://127.0.0.1:6379/0}
     * @return a guard with the default window, on a client it creates (and closes)
     */
    public static RedisCallbackGuard create(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /**
     * @param client the caller's client, never shut down by the guard
     * @return a guard with the default window
     */
    public static RedisCallbackGuard create(RedisClient client) {
        return builder().client(client).build();
    }

    /** @return a builder; one of {@code redisUri}, {@code client} or {@code clusterClient} is required */
    public static Builder builder() {
        return new Builder();
    }

    String key(String callbackKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    Objects.requireNonNull(callbackKey, "key == null").getBytes(StandardCharsets.UTF_8));
            return layout.tokenKey("callback:" + HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    @Override
    public boolean firstSeen(String callbackKey) {
        String key = key(callbackKey);
        String reply = link.call("SET NX CALLBACK", redis -> redis.set(key, "1",
                SetArgs.Builder.nx().px(window.toMillis())));
        return "OK".equals(reply);
    }

    @Override
    public void forget(String callbackKey) {
        String key = key(callbackKey);
        link.call("DEL CALLBACK", redis -> redis.del(key));
    }

    /** Closes the connection, and the client when the guard created it. */
    @Override
    public void close() {
        link.close();
    }

    /** @return the key prefix and the window */
    @Override
    public String toString() {
        return "RedisCallbackGuard{keyPrefix=" + layout.prefix() + ", window=" + window + "}";
    }

    /**
     * Builds a {@link RedisCallbackGuard}.
     *
     * <pre>{@code
     * RedisCallbackGuard.builder().redisUri(uri).window(Duration.ofMinutes(10)).build();
     * }</pre>
     */
    public static final class Builder extends RedisStoreBuilder<Builder, RedisCallbackGuard> {
        private Duration window = CallbackDeduplicator.DEFAULT_WINDOW;

        private Builder() {
        }

        /**
         * @param window how long a handled callback is remembered; {@link CallbackDeduplicator#DEFAULT_WINDOW} by
         *               default, far longer than WeCom's three attempts
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = positive(window, "window");
            return this;
        }

        @Override
        RedisCallbackGuard create() {
            return new RedisCallbackGuard(this);
        }
    }
}
