package io.github.wecomkit.redis;

import io.github.wecomkit.suite.PermanentCodeStore;
import io.lettuce.core.RedisClient;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link PermanentCodeStore} on Redis, shared by a fleet, with the codes encrypted at rest by the application's
 * own {@link ValueCipher}. Use it when Redis is durable (persistence on, backed up); a permanent code lost means a
 * corp that must reinstall the app, so a database is the other sound choice.
 *
 * <pre>{@code
 * PermanentCodeStore codes = RedisPermanentCodeStore.builder()
 *         .redisUri("redis://127.0.0.1:6379")
 *         .cipher(ValueCipher.of(aes::encrypt, aes::decrypt))
 *         .build();
 * }</pre>
 *
 * <p>Layout, for the prefix {@code P} (default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}) and a suite id
 * {@code S}: the hash {@code P{permanent_codes:S}} maps each corp id to its code ({@code cipher.encrypt(code)}),
 * without expiry. One hash per suite, so several suites share one Redis without colliding; no key or field holds a
 * secret. {@code HKEYS P{permanent_codes:S}} lists the authorised corps.
 */
public final class RedisPermanentCodeStore implements PermanentCodeStore, AutoCloseable {
    private final KeyLayout layout;
    private final ValueCipher cipher;
    private final RedisLink link;

    private RedisPermanentCodeStore(Builder b) {
        this.layout = new KeyLayout(b.keyPrefix);
        this.cipher = b.cipher;
        this.link = RedisLink.open("permanent code store", b);
    }

    /**
     * @param redisUri for example {@code redis://127.0.0.1:6379/0}
     * @return a store without encryption at rest, on a client it creates (and closes)
     */
    public static RedisPermanentCodeStore create(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /**
     * @param client the caller's client, never shut down by the store
     * @return a store without encryption at rest
     */
    public static RedisPermanentCodeStore create(RedisClient client) {
        return builder().client(client).build();
    }

    /** @return a builder; one of {@code redisUri}, {@code client} or {@code clusterClient} is required */
    public static Builder builder() {
        return new Builder();
    }

    String key(String suiteId) {
        return layout.tokenKey("permanent_codes:" + Objects.requireNonNull(suiteId, "suiteId == null"));
    }

    @Override
    public void put(String suiteId, String corpId, String permanentCode) {
        String key = key(suiteId);
        Objects.requireNonNull(corpId, "corpId == null");
        String stored = cipher.encrypt(Objects.requireNonNull(permanentCode, "permanentCode == null"));
        link.call("HSET PERMANENT CODE", redis -> redis.hset(key, corpId, stored));
    }

    @Override
    public Optional<String> get(String suiteId, String corpId) {
        String key = key(suiteId);
        Objects.requireNonNull(corpId, "corpId == null");
        String stored = link.call("HGET PERMANENT CODE", redis -> redis.hget(key, corpId));
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(cipher.decrypt(stored));
        } catch (RuntimeException e) {
            throw new RedisStoreException("could not decrypt the stored permanent code of corp " + corpId + " ("
                    + e.getClass().getSimpleName() + "): is the ValueCipher the one that wrote it?", null);
        }
    }

    @Override
    public boolean remove(String suiteId, String corpId) {
        String key = key(suiteId);
        Objects.requireNonNull(corpId, "corpId == null");
        Long removed = link.call("HDEL PERMANENT CODE", redis -> redis.hdel(key, corpId));
        return removed != null && removed > 0;
    }

    /** Closes the connection, and the client when the store created it. */
    @Override
    public void close() {
        link.close();
    }

    /** @return the key prefix and the cipher in use; never a code or a URI */
    @Override
    public String toString() {
        return "RedisPermanentCodeStore{keyPrefix=" + layout.prefix() + ", cipher=" + cipher + "}";
    }

    /**
     * Builds a {@link RedisPermanentCodeStore}.
     *
     * <pre>{@code
     * RedisPermanentCodeStore.builder().client(redisClient).cipher(cipher).build();
     * }</pre>
     */
    public static final class Builder extends RedisStoreBuilder<Builder, RedisPermanentCodeStore> {
        private ValueCipher cipher = ValueCipher.NONE;

        private Builder() {
        }

        /**
         * @param cipher encrypts codes at rest; {@link ValueCipher#NONE} by default
         * @return this builder
         */
        public Builder cipher(ValueCipher cipher) {
            this.cipher = Objects.requireNonNull(cipher, "cipher == null");
            return this;
        }

        @Override
        RedisPermanentCodeStore create() {
            return new RedisPermanentCodeStore(this);
        }
    }
}
