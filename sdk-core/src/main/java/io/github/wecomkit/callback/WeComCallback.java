package io.github.wecomkit.callback;

import io.github.wecomkit.callback.CallbackException.Reason;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies, decrypts and encrypts WeCom callbacks (回调) for one callback URL: the GET that verifies the URL, the
 * POSTed events and suite commands, and encrypted passive replies.
 *
 * <pre>{@code
 * WeComCallback callback = WeComCallback.builder()
 *         .token(token)                    // the Token set with the callback URL
 *         .encodingAesKey(encodingAesKey)  // the 43-character EncodingAESKey set with it
 *         .receiveIds(corpId)              // a corp id, or the suite id for a provider's command URL
 *         .build();
 *
 * // GET  ?msg_signature=&timestamp=&nonce=&echostr=  -> answer the plaintext as text/plain
 * String echo = callback.verifyUrl(signature, timestamp, nonce, echostr);
 * // POST ?msg_signature=&timestamp=&nonce=           -> body is the XML envelope
 * CallbackEvent event = callback.decrypt(signature, timestamp, nonce, body);
 * }</pre>
 *
 * <p>Every check runs before anything is decrypted or parsed further: body size, envelope XML, signature
 * (constant-time), then the optional freshness window; after decryption, padding, length and the receive id.
 * Each failure is a {@link CallbackException} whose {@link CallbackException#reason() reason} names the check;
 * no other exception escapes {@code verifyUrl} or {@code decrypt} for any input.
 *
 * <p>Immutable and thread-safe; build one per callback URL and share it.
 */
public final class WeComCallback {
    /**
     * The default limit on a POSTed body: real callbacks are a few KiB, so 64 KiB leaves room while stopping
     * oversized bodies before any parsing. Raise it only if WeCom starts sending larger events.
     */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WeComCallback.class);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern ENCODING_AES_KEY = Pattern.compile("[A-Za-z0-9]{43}");
    private static final Pattern RECEIVE_ID_SHAPE = Pattern.compile("(ww|wx|dk)[A-Za-z0-9]{1,30}");
    private static final int NONCE_DIGITS = 10;

    private final String token;
    private final CallbackCipher cipher;
    private final List<String> receiveIds;
    private final Predicate<String> moreReceiveIds;
    private final Clock clock;
    private final Random random;
    private final int maxBodyBytes;
    private final Duration timestampTolerance;

    private WeComCallback(Builder builder, byte[] aesKey) {
        this.token = builder.token;
        this.cipher = new CallbackCipher(aesKey);
        this.receiveIds = List.copyOf(builder.receiveIds);
        this.moreReceiveIds = builder.moreReceiveIds;
        this.clock = builder.clock;
        this.random = builder.random != null ? builder.random : new SecureRandom();
        this.maxBodyBytes = builder.maxBodyBytes;
        this.timestampTolerance = builder.timestampTolerance;
    }

    /**
     * @return a builder; {@code token}, {@code encodingAesKey} and {@code receiveIds} are required
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Answers WeCom's URL verification (the GET sent when an admin saves the callback URL). Respond with the
     * returned text as the whole body, {@code text/plain}, no quotes or newline, within one second.
     *
     * @param msgSignature the {@code msg_signature} query parameter, URL-decoded
     * @param timestamp    the {@code timestamp} query parameter
     * @param nonce        the {@code nonce} query parameter
     * @param echostr      the {@code echostr} query parameter, URL-decoded
     * @return the decrypted echo string to answer
     * @throws CallbackException if any check fails; {@link CallbackException#reason()} says which
     */
    public String verifyUrl(String msgSignature, String timestamp, String nonce, String echostr) {
        try {
            require(msgSignature, timestamp, nonce, echostr, "echostr");
            checkSize(echostr, "echostr");
            return open(msgSignature, timestamp, nonce, echostr);
        } catch (CallbackException e) {
            LOG.debug("URL verification rejected: reason={}", e.reason());
            throw e;
        }
    }

    /**
     * Verifies and decrypts a POSTed callback and maps it to the most specific event type.
     *
     * @param msgSignature the {@code msg_signature} query parameter, URL-decoded
     * @param timestamp    the {@code timestamp} query parameter
     * @param nonce        the {@code nonce} query parameter
     * @param body         the request body: {@code <xml><ToUserName>..</ToUserName><Encrypt>..</Encrypt>..</xml>}
     * @return the event; {@link OtherEvent} for anything without a dedicated type
     * @throws CallbackException if any check fails; {@link CallbackException#reason()} says which
     */
    public CallbackEvent decrypt(String msgSignature, String timestamp, String nonce, String body) {
        try {
            require(msgSignature, timestamp, nonce, body, "body");
            checkSize(body, "body");
            String encrypted = CallbackXml.topLevelFields(body, "body").get("Encrypt");
            if (encrypted == null) {
                throw new CallbackException(Reason.MALFORMED_XML, "the body has no Encrypt element");
            }
            String message = open(msgSignature, timestamp, nonce, encrypted.strip());
            return CallbackEvents.from(CallbackXml.topLevelFields(message, "decrypted message"));
        } catch (CallbackException e) {
            LOG.debug("callback rejected: reason={}", e.reason());
            throw e;
        }
    }

    /**
     * Encrypts and signs a reply with a fresh timestamp (from the clock) and nonce (from the random source).
     * The receive id written after the message is the <em>first</em> configured receive id.
     *
     * @param xml the plaintext reply, e.g. {@code <xml><ToUserName>..</ToUserName>..</xml>}
     * @return the ciphertext, signature, timestamp and nonce; {@link EncryptedMessage#toXml()} is the envelope
     */
    public EncryptedMessage encrypt(String xml) {
        Objects.requireNonNull(xml, "xml == null");
        byte[] randomBytes = new byte[CallbackCipher.RANDOM_BYTES];
        StringBuilder nonce = new StringBuilder(NONCE_DIGITS);
        random.nextBytes(randomBytes);
        for (int i = 0; i < NONCE_DIGITS; i++) {
            nonce.append((char) ('0' + random.nextInt(10)));
        }
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String encrypted = cipher.encrypt(randomBytes, xml, receiveIds.get(0));
        String signature = CallbackSignature.sign(token, timestamp, nonce.toString(), encrypted);
        return new EncryptedMessage(encrypted, signature, timestamp, nonce.toString());
    }

    /**
     * Encrypts a passive reply and wraps it in WeCom's reply envelope; same as {@code encrypt(xml).toXml()}.
     *
     * @param xml the plaintext reply
     * @return the XML body to send with status 200
     */
    public String encryptReply(String xml) {
        return encrypt(xml).toXml();
    }

    /**
     * @return the accepted receive ids in configuration order; the first is used by {@link #encrypt(String)}
     */
    public List<String> receiveIds() {
        return receiveIds;
    }

    /** Shows the receive ids and limits, never the Token or the key. */
    @Override
    public String toString() {
        return "WeComCallback[receiveIds=" + receiveIds + ", maxBodyBytes=" + maxBodyBytes + ", timestampTolerance="
                + (timestampTolerance == null ? "none" : timestampTolerance) + "]";
    }

    private String open(String msgSignature, String timestamp, String nonce, String encrypted) {
        if (!CallbackSignature.matches(msgSignature, token, timestamp, nonce, encrypted)) {
            throw new CallbackException(Reason.BAD_SIGNATURE, "msg_signature does not match the Token, timestamp,"
                    + " nonce and encrypted text; check the Token configured for this callback URL");
        }
        checkFreshness(timestamp);
        CallbackCipher.Decrypted decrypted = cipher.decrypt(encrypted);
        if (!receiveIds.contains(decrypted.receiveId())
                && (moreReceiveIds == null || !moreReceiveIds.test(decrypted.receiveId()))) {
            throw new CallbackException(Reason.WRONG_RECEIVE_ID, "the message is addressed to receive id "
                    + describeReceiveId(decrypted.receiveId()) + ", expected one of " + receiveIds
                    + "; a provider's create_auth may carry the provider's corp id, so configure it too");
        }
        return decrypted.message();
    }

    private void checkFreshness(String timestamp) {
        if (timestampTolerance == null) {
            return;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new CallbackException(Reason.STALE_TIMESTAMP, "timestamp is not a number of seconds");
        }
        long now = clock.instant().getEpochSecond();
        // Overflow-safe: a hostile timestamp near Long.MIN_VALUE must not wrap around into the window.
        boolean fresh = seconds >= now - timestampTolerance.getSeconds()
                && seconds - now <= timestampTolerance.getSeconds();
        if (!fresh) {
            throw new CallbackException(Reason.STALE_TIMESTAMP, "timestamp " + seconds + " is more than "
                    + timestampTolerance + " away from now (" + now + ")");
        }
    }

    private void checkSize(String text, String what) {
        // A char is at least one UTF-8 byte, so most oversized input is rejected before encoding anything.
        if (text.length() > maxBodyBytes || text.getBytes(StandardCharsets.UTF_8).length > maxBodyBytes) {
            throw new CallbackException(Reason.BODY_TOO_LARGE, "the " + what + " is larger than " + maxBodyBytes
                    + " bytes (maxBodyBytes)");
        }
    }

    private static void require(String msgSignature, String timestamp, String nonce, String payload,
            String payloadName) {
        String missing = msgSignature == null ? "msg_signature"
                : timestamp == null ? "timestamp"
                : nonce == null ? "nonce"
                : payload == null ? payloadName
                : null;
        if (missing != null) {
            throw new CallbackException(Reason.MISSING_PARAMETER, missing + " is missing");
        }
    }

    /**
     * Names the receive id that arrived when it looks like a corp or suite id, which is what makes a wrong
     * configuration obvious. Anything else (a misread length puts message bytes here) is shown only by size.
     */
    private static String describeReceiveId(String value) {
        if (RECEIVE_ID_SHAPE.matcher(value).matches()) {
            return "\"" + value + "\"";
        }
        return value.isEmpty() ? "\"\" (empty)" : "of " + value.length() + " characters that is not a corp or suite id";
    }

    /**
     * Configures a {@link WeComCallback}. Values are checked in {@link #build()}.
     *
     * <pre>{@code
     * WeComCallback callback = WeComCallback.builder()
     *         .token(token).encodingAesKey(key).receiveIds(suiteId, providerCorpId)
     *         .timestampTolerance(Duration.ofMinutes(5))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private String token;
        private String encodingAesKey;
        private final Set<String> receiveIds = new LinkedHashSet<>();
        private Predicate<String> moreReceiveIds;
        private Clock clock = Clock.systemUTC();
        private Random random;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration timestampTolerance;

        private Builder() {
        }

        /**
         * @param token the Token configured with the callback URL: 1 to 32 letters or digits
         * @return this builder
         */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token == null");
            return this;
        }

        /**
         * @param encodingAesKey the EncodingAESKey configured with the callback URL: 43 letters or digits
         * @return this builder
         */
        public Builder encodingAesKey(String encodingAesKey) {
            this.encodingAesKey = Objects.requireNonNull(encodingAesKey, "encodingAesKey == null");
            return this;
        }

        /**
         * Sets the receive ids a decrypted message may carry, replacing earlier ones. A corp's own app uses the
         * corp id; a provider's command URL uses the suite id (add the provider's corp id too, since create_auth
         * has been seen carrying it); a personal-entity provider app uses {@code ""}. The first one is written
         * into encrypted replies.
         *
         * @param first  the receive id used for replies
         * @param others further accepted receive ids
         * @return this builder
         */
        public Builder receiveIds(String first, String... others) {
            Objects.requireNonNull(first, "first == null");
            Objects.requireNonNull(others, "others == null");
            List<String> all = new ArrayList<>(others.length + 1);
            all.add(first);
            Collections.addAll(all, others);
            return receiveIds(all);
        }

        /**
         * @param ids the accepted receive ids in order of preference; the first is used for replies
         * @return this builder
         * @see #receiveIds(String, String...)
         */
        public Builder receiveIds(Collection<String> ids) {
            Objects.requireNonNull(ids, "ids == null");
            for (String id : ids) {
                Objects.requireNonNull(id, "receive id == null");
            }
            receiveIds.clear();
            receiveIds.addAll(ids);
            return this;
        }

        /**
         * Accepts, besides the {@link #receiveIds(String, String...) receive ids}, every receive id this test
         * accepts, asked per message once the signature has been checked. For a receiver whose ids change at run
         * time: a provider's data callback URL gets the events of every corp that authorised the suite, addressed
         * to that corp's id ({@code suite::isAuthorized}).
         *
         * @param accepted says whether a decrypted message's receive id is acceptable; must be thread-safe
         * @return this builder
         */
        public Builder moreReceiveIds(Predicate<String> accepted) {
            this.moreReceiveIds = Objects.requireNonNull(accepted, "accepted == null");
            return this;
        }

        /**
         * @param clock the source of reply timestamps and of "now" for the freshness window; default UTC system
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * @param random the source of each reply's 16 random bytes (drawn first) and 10-digit nonce (then);
         *               default a new {@link SecureRandom}. Pass a seeded one only in tests.
         * @return this builder
         */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random == null");
            return this;
        }

        /**
         * @param maxBodyBytes the largest accepted body or echostr in UTF-8 bytes; default
         *                     {@link #DEFAULT_MAX_BODY_BYTES}
         * @return this builder
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * Enables the freshness check: a request whose timestamp is further than this from the clock's now is
         * refused with {@link CallbackException.Reason#STALE_TIMESTAMP}. Off by default, because a server with a
         * skewed clock would refuse every callback; WeCom's own retries arrive within seconds.
         *
         * @param tolerance the accepted distance either side of now, e.g. {@code Duration.ofMinutes(5)}
         * @return this builder
         */
        public Builder timestampTolerance(Duration tolerance) {
            this.timestampTolerance = Objects.requireNonNull(tolerance, "tolerance == null");
            return this;
        }

        /**
         * @return the callback handler
         * @throws IllegalStateException    if the token, the EncodingAESKey or the receive ids were not set
         * @throws IllegalArgumentException if a value is malformed; the message never shows the Token or the key
         */
        public WeComCallback build() {
            if (token == null) {
                throw new IllegalStateException("token is required");
            }
            if (encodingAesKey == null) {
                throw new IllegalStateException("encodingAesKey is required");
            }
            if (receiveIds.isEmpty()) {
                throw new IllegalStateException("receiveIds is required: the corp id, or the suite id for a"
                        + " provider's command URL");
            }
            if (!TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("token must be 1 to 32 letters or digits (got "
                        + token.length() + " characters)");
            }
            if (!ENCODING_AES_KEY.matcher(encodingAesKey).matches()) {
                throw new IllegalArgumentException("encodingAesKey must be exactly 43 letters or digits, as shown in"
                        + " the WeCom admin console (got " + encodingAesKey.length() + " characters"
                        + (encodingAesKey.length() == 43 ? ", some not letters or digits" : "") + ")");
            }
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
            }
            if (timestampTolerance != null && (timestampTolerance.isNegative() || timestampTolerance.isZero())) {
                throw new IllegalArgumentException("timestampTolerance must be positive: " + timestampTolerance);
            }
            return new WeComCallback(this, Base64.getDecoder().decode(encodingAesKey + "="));
        }

        /** Never shows the Token or the key. */
        @Override
        public String toString() {
            return "WeComCallback.Builder[receiveIds=" + receiveIds + ", token=" + (token == null ? "unset" : "set")
                    + ", encodingAesKey=" + (encodingAesKey == null ? "unset" : "set") + "]";
        }
    }
}
