package io.github.wecomkit.callback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Drops WeCom's retries of a callback already handled. WeCom resends a callback (three attempts in all) when the
 * answer is slower than five seconds or not 200, so a slow handler can see the same event twice.
 *
 * <pre>{@code
 * CallbackDeduplicator seen = CallbackDeduplicator.create();
 * CallbackEvent event = callback.decrypt(signature, timestamp, nonce, body);
 * if (seen.firstSeen(event)) {
 *     try {
 *         handle(event);
 *     } catch (RuntimeException e) {
 *         seen.forget(event); // let WeCom's retry through
 *         throw e;
 *     }
 * }
 * // answer 200 either way
 * }</pre>
 *
 * <p>The key is {@code MsgId} when present; otherwise {@code FromUserName} + {@code CreateTime} (with
 * {@code MsgType} and {@code Event}, so a subscribe and an unsubscribe in the same second stay distinct); for
 * suite commands, which have neither, a digest of all fields. Keys live in memory for a window (default 5 minutes)
 * and up to a maximum count (default 100,000). This is a best-effort guard for one process: with several
 * instances, or after the size bound evicts a key early, a duplicate can still pass, so side effects should stay
 * idempotent. Thread-safe.
 */
public final class CallbackDeduplicator implements CallbackGuard {
    /** Long enough to cover WeCom's three attempts with their 5-second timeouts, many times over. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** Bounds memory at a few MiB even under a burst of distinct events. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    private final Cache<String, Boolean> seen;

    private CallbackDeduplicator(Builder builder) {
        Clock clock = builder.clock;
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(builder.window)
                .maximumSize(builder.maximumSize)
                .ticker(() -> nanos(clock.instant()))
                // Evict on the caller's thread: no background work to race with a fake clock in tests.
                .executor(Runnable::run)
                .build();
    }

    /**
     * @return a deduplicator with the default window, size and the UTC system clock
     */
    public static CallbackDeduplicator create() {
        return builder().build();
    }

    /**
     * @return a builder for a custom window, size or clock
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records the event and says whether it is new.
     *
     * @param event a decrypted callback
     * @return {@code true} the first time this event's key is seen within the window; {@code false} for a retry
     */
    public boolean firstSeen(CallbackEvent event) {
        return firstSeen(keyOf(event));
    }

    /**
     * Records a key of the caller's choosing and says whether it is new.
     *
     * @param key any identifier of a callback
     * @return {@code true} the first time this key is seen within the window
     */
    @Override
    public boolean firstSeen(String key) {
        Objects.requireNonNull(key, "key == null");
        return seen.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }

    /**
     * Forgets the event, so a retry is handled again; call it when handling failed.
     *
     * @param event a callback passed to {@link #firstSeen(CallbackEvent)} before
     */
    public void forget(CallbackEvent event) {
        forget(keyOf(event));
    }

    /**
     * @param key a key passed to {@link #firstSeen(String)} before
     */
    @Override
    public void forget(String key) {
        Objects.requireNonNull(key, "key == null");
        seen.invalidate(key);
    }

    /**
     * The key used for an event, as described on this class.
     *
     * @param event a decrypted callback
     * @return a key that is equal for WeCom's retries of the same callback
     */
    public static String keyOf(CallbackEvent event) {
        Objects.requireNonNull(event, "event == null");
        Map<String, String> fields = event.fields();
        String msgId = fields.get("MsgId");
        if (msgId != null) {
            return "MsgId:" + msgId.strip();
        }
        String from = fields.get("FromUserName");
        String created = fields.get("CreateTime");
        if (from != null && created != null) {
            return "Event:" + from.strip() + '|' + created.strip() + '|' + orEmpty(fields.get("MsgType")) + '|'
                    + orEmpty(fields.get("Event"));
        }
        return "Fields:" + digest(fields);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value.strip();
    }

    /** Hashes the fields so keys stay short and the cache holds no tickets or auth codes. */
    private static String digest(Map<String, String> fields) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            fields.forEach((name, value) -> {
                // Length prefixes keep ("ab","c") and ("a","bc") apart.
                update(sha256, name);
                update(sha256, value);
            });
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /**
     * Configures a {@link CallbackDeduplicator}.
     *
     * <pre>{@code
     * CallbackDeduplicator seen = CallbackDeduplicator.builder()
     *         .window(Duration.ofMinutes(10)).maximumSize(10_000).build();
     * }</pre>
     */
    public static final class Builder {
        private Duration window = DEFAULT_WINDOW;
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param window how long a key is remembered after it is first seen; default {@link #DEFAULT_WINDOW}
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window == null");
            return this;
        }

        /**
         * @param maximumSize how many keys are kept at most; default {@link #DEFAULT_MAXIMUM_SIZE}
         * @return this builder
         */
        public Builder maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /**
         * @param clock the time source for the window; default the UTC system clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * @return the deduplicator
         * @throws IllegalArgumentException if the window or the size is not positive
         */
        public CallbackDeduplicator build() {
            if (window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be positive: " + window);
            }
            if (maximumSize < 1) {
                throw new IllegalArgumentException("maximumSize must be positive: " + maximumSize);
            }
            return new CallbackDeduplicator(this);
        }
    }
}
