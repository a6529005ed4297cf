package io.github.wecomkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The connection options every provider-flow Redis store shares ({@link RedisSuiteTicketStore},
 * {@link RedisPermanentCodeStore}, {@link RedisCallbackGuard}): where Redis is, the key prefix, the timeouts and
 * the clock. Exactly one of {@link #redisUri(String)}, {@link #client(RedisClient)} or
 * {@link #clusterClient(RedisClusterClient)} is required.
 *
 * <pre>{@code
 * RedisSuiteTicketStore tickets = RedisSuiteTicketStore.builder()
 *         .client(redisClient)                // shared with the application; the store never shuts it down
 *         .keyPrefix("billing:wecomkit:")
 *         .build();
 * }</pre>
 *
 * @param <B> the concrete builder
 * @param <T> what it builds
 */
public abstract class RedisStoreBuilder<B extends RedisStoreBuilder<B, T>, T> {
    RedisURI redisUri;
    RedisClient client;
    RedisClusterClient clusterClient;
    String keyPrefix = RedisTokenStore.DEFAULT_KEY_PREFIX;
    Duration commandTimeout = RedisTokenStore.DEFAULT_COMMAND_TIMEOUT;
    Duration connectTimeout = RedisTokenStore.DEFAULT_CONNECT_TIMEOUT;
    Clock clock = Clock.systemUTC();

    RedisStoreBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Connect with a client the store creates, configures and closes itself.
     *
     * @param redisUri for example {@code redis://127.0.0.1:6379/0} or {@code rediss://user:password@host:6380}
     * @return this builder
     * @throws IllegalArgumentException if the URI is blank or malformed (the message omits the URI, which may carry
     *                                  a password)
     */
    public B redisUri(String redisUri) {
        Objects.requireNonNull(redisUri, "redisUri == null");
        if (redisUri.isBlank()) {
            throw new IllegalArgumentException("redisUri is blank");
        }
        try {
            this.redisUri = RedisURI.create(redisUri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("redisUri is not a Redis URI (redis://host:port/db)");
        }
        return self();
    }

    /**
     * Use the caller's standalone client (Sentinel, TLS and ACL settings included); never shut down by the store.
     *
     * @param client the client
     * @return this builder
     */
    public B client(RedisClient client) {
        this.client = Objects.requireNonNull(client, "client == null");
        return self();
    }

    /**
     * Use the caller's Redis Cluster client; never shut down by the store.
     *
     * @param clusterClient the cluster client
     * @return this builder
     */
    public B clusterClient(RedisClusterClient clusterClient) {
        this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient == null");
        return self();
    }

    /**
     * @param keyPrefix prepended to every key, default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}; no braces or
     *                  whitespace
     * @return this builder
     */
    public B keyPrefix(String keyPrefix) {
        this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
        return self();
    }

    /**
     * @param commandTimeout the time limit of each command, default {@link RedisTokenStore#DEFAULT_COMMAND_TIMEOUT}
     * @return this builder
     */
    public B commandTimeout(Duration commandTimeout) {
        this.commandTimeout = positive(commandTimeout, "commandTimeout");
        return self();
    }

    /**
     * @param connectTimeout how long a call waits for a connection still opening, default
     *                       {@link RedisTokenStore#DEFAULT_CONNECT_TIMEOUT}
     * @return this builder
     */
    public B connectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        return self();
    }

    /**
     * @param clock the clock for validities and time-to-live; give it the suite client's clock
     * @return this builder
     */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
        return self();
    }

    /**
     * @return the store; it connects in the background, so Redis may be down now
     * @throws IllegalStateException if not exactly one of {@code redisUri}, {@code client} or {@code clusterClient}
     *                               was given
     */
    public T build() {
        int sources = (redisUri != null ? 1 : 0) + (client != null ? 1 : 0) + (clusterClient != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalStateException("exactly one of redisUri, client or clusterClient is required, got "
                    + sources);
        }
        return create();
    }

    abstract T create();

    static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name + " == null");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
