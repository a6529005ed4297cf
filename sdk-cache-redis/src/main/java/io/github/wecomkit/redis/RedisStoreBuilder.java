package io.github.wecomkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;

/**
 * The connection options every provider-flow Redis store shares ({@link RedisSuiteTicketStore},
 * {@link RedisPermanentCodeStore}, {@link RedisCallbackGuard}): where Redis is, the key prefix, the timeouts and
 * the clock, and TLS trust. Exactly one of {@link #redisUri(String)}, {@link #client(RedisClient)} or
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
    TrustManagerFactory trust;

    RedisStoreBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Connect with a client the store creates, configures and closes itself, as {@link RedisTokenStore} does.
     *
     * @param redisUri {@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://…} for TLS, or
     *                 {@code redis-sentinel://host1[:port1][,host2[:port2]…][/db]#master}
     * @return this builder
     * @throws IllegalArgumentException if the URI is blank or malformed, or a Sentinel URI names no master (the
     *                                  message omits the URI, which may carry a password)
     */
    public B redisUri(String redisUri) {
        this.redisUri = RedisConnections.parseUri(redisUri);
        return self();
    }

    /**
     * Trust the CA certificates in this PEM file instead of the JDK's default CAs, for a {@code rediss://} server
     * whose certificate a private CA signed. The host name is still checked against the certificate.
     *
     * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return this builder
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public B trustedCertificates(Path pemFile) {
        this.trust = RedisConnections.trustPem(pemFile);
        return self();
    }

    /**
     * Trust the certificates in this key store instead of the JDK's default CAs, for a {@code rediss://} server
     * whose certificate a private CA signed. The host name is still checked against the certificate.
     *
     * @param trustStore a loaded key store with the CA's certificate entries
     * @return this builder
     * @throws IllegalArgumentException if the key store cannot be used as a trust store
     */
    public B trustStore(KeyStore trustStore) {
        this.trust = RedisConnections.trustStore(trustStore);
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
     *                               was given, or a trust option was given without a {@code rediss://} URI
     */
    public T build() {
        RedisConnections.checkSources(redisUri, client, clusterClient, trust);
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
