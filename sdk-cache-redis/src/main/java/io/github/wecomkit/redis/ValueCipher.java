package io.github.wecomkit.redis;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Encrypts the values a Redis store writes (permanent codes, suite tickets) and decrypts what it reads, with the
 * application's own key: Redis, its backups and whoever can run {@code MONITOR} then see ciphertext only. wecomkit
 * brings no key management; plug in a KMS client, or AES-GCM with a key from your secret store.
 *
 * <pre>{@code
 * ValueCipher cipher = ValueCipher.of(myKms::encryptToBase64, myKms::decryptFromBase64);
 * RedisPermanentCodeStore codes = RedisPermanentCodeStore.builder().redisUri(uri).cipher(cipher).build();
 * }</pre>
 *
 * <p>Both functions must be thread-safe, and {@code decrypt(encrypt(v))} must give back {@code v}. Ciphertext must
 * be a string (Base64, say). Changing the key: decrypt with the old one, encrypt with the new one (a cipher may
 * try both while values are rewritten).
 */
public interface ValueCipher {
    /** Stores values as they are: for tests, or when Redis itself is encrypted and access-controlled. */
    ValueCipher NONE = of(UnaryOperator.identity(), UnaryOperator.identity());

    /**
     * @param plaintext a value to store
     * @return what is written to Redis
     */
    String encrypt(String plaintext);

    /**
     * @param stored a value read from Redis
     * @return the plaintext
     */
    String decrypt(String stored);

    /**
     * @param encrypt plaintext to stored text
     * @param decrypt stored text to plaintext
     * @return a cipher made of the two functions
     */
    static ValueCipher of(UnaryOperator<String> encrypt, UnaryOperator<String> decrypt) {
        Objects.requireNonNull(encrypt, "encrypt == null");
        Objects.requireNonNull(decrypt, "decrypt == null");
        return new ValueCipher() {
            @Override
            public String encrypt(String plaintext) {
                return Objects.requireNonNull(encrypt.apply(plaintext), "encrypt returned null");
            }

            @Override
            public String decrypt(String stored) {
                return Objects.requireNonNull(decrypt.apply(stored), "decrypt returned null");
            }

            @Override
            public String toString() {
                return encrypt == UnaryOperator.<String>identity() ? "ValueCipher.NONE" : "ValueCipher";
            }
        };
    }
}
