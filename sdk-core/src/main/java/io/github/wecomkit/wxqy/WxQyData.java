package io.github.wecomkit.wxqy;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.wxqy.WxQyDataException.Reason;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies and decrypts what {@code wx.qy.getEnterpriseUserInfo}, {@code wx.qy.getMobile} and
 * {@code wx.qy.getEmail} hand the mini-program, with the session key the server kept from the login.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder().corpId(corpId).secret(secret)
 *         .miniProgramAppId("wx0123456789abcdef")         // the appid every watermark must carry
 *         .build();
 * LoginSession session = sessions.of(request);               // kept server-side since client.login(code)
 * MobileInfo mobile = client.wxQy().mobile(session, body.encryptedData(), body.iv());
 * }</pre>
 *
 * <p>Order of the checks, each failure a {@link WxQyDataException} whose {@link WxQyDataException#reason() reason}
 * names it: the session key and {@code iv} (Base64 of 16 bytes each); for {@code enterpriseUserInfo} the
 * signature, compared in constant time; then AES-128-CBC with PKCS#7 padding, strict UTF-8, one JSON object;
 * the watermark ({@code appid} must equal the configured mini-program appid; the age, if
 * {@link Builder#maxAge(Duration) maxAge} is set); last the result's own fields. No other exception leaves a
 * decrypting method for any input that passed the argument checks (null: {@link NullPointerException}; blank, or
 * longer than 64 chars for the session key, {@code iv} and {@code signature} or {@link #MAX_PAYLOAD_CHARS} for
 * {@code rawData} and {@code encryptedData}: {@link IllegalArgumentException}).
 *
 * <p>Do not send the reason back to the mini-program: padding and JSON failures answered differently would let
 * someone holding a session probe the decryption. Immutable and thread-safe.
 */
public final class WxQyData {
    /**
     * The longest {@code rawData} or {@code encryptedData} accepted, in chars. Real payloads are a few hundred
     * bytes; the limit stops a hostile body before any decoding.
     */
    public static final int MAX_PAYLOAD_CHARS = 16 * 1024;

    /** A session key (24 chars), an iv (24) and a SHA-1 hex signature (40) all fit; longer is never real. */
    private static final int MAX_SHORT_CHARS = 64;
    /** Epoch seconds reach 10^12 only in the year 33658: a larger timestamp is in milliseconds. */
    private static final long MILLIS_THRESHOLD = 1_000_000_000_000L;
    private static final Pattern APP_ID = Pattern.compile("wx[A-Za-z0-9]{6,32}");
    private static final Pattern APP_ID_SHAPE = Pattern.compile("[A-Za-z0-9]{1,40}");
    private static final Logger LOG = LoggerFactory.getLogger(WxQyData.class);
    /** Strict: a repeated field or text after the object would let two readers see different data. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final String appId;
    private final Clock clock;
    private final Duration maxAge;

    private WxQyData(String appId, Clock clock, Duration maxAge) {
        this.appId = appId;
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** @return a builder; {@code appId} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the mini-program appid every watermark must carry */
    public String appId() {
        return appId;
    }

    /** @return the maximum age of a payload's watermark, if checked */
    public Optional<Duration> maxAge() {
        return Optional.ofNullable(maxAge);
    }

    /**
     * Returns a copy that also refuses payloads older than {@code maxAge}; for {@code client.wxQy()}, whose
     * instance has no maximum age.
     *
     * @param maxAge the largest accepted age of {@code watermark.timestamp}, positive
     * @return a copy with the same appid and clock
     */
    public WxQyData withMaxAge(Duration maxAge) {
        return new WxQyData(appId, clock, Builder.positive(maxAge));
    }

    /**
     * Verifies and decrypts a {@code wx.qy.getEnterpriseUserInfo} result: checks
     * {@code signature == hex(sha1(rawData + session_key))}, then decrypts {@code encryptedData}.
     *
     * @param sessionKey    the session key of the member's current login ({@link LoginSession#sessionKey()})
     * @param rawData       {@code res.rawData}, unchanged
     * @param signature     {@code res.signature}
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the member's corp, userid, name and gender, and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public EnterpriseUserInfo enterpriseUserInfo(String sessionKey, String rawData, String signature,
                                                 String encryptedData, String iv) {
        checkShort("sessionKey", sessionKey);
        checkLong("rawData", rawData);
        checkShort("signature", signature);
        checkLong("encryptedData", encryptedData);
        checkShort("iv", iv);
        try {
            byte[] key = WxQyCipher.key(sessionKey);
            byte[] ivBytes = WxQyCipher.iv(iv);
            if (!WxQyCipher.signatureMatches(rawData, sessionKey, signature)) {
                throw new WxQyDataException(Reason.BAD_SIGNATURE, "signature is not sha1(rawData + session_key);"
                        + " rawData or signature was changed, or the session key is not the one of the login that"
                        + " produced this payload");
            }
            JsonNode json = open(key, ivBytes, encryptedData);
            Watermark watermark = watermark(json); // first: data for another mini-program says so, not "no corpid"
            return new EnterpriseUserInfo(text(json, "corpid"), text(json, "userid"), optionalText(json, "name"),
                    gender(json.get("gender")), watermark);
        } catch (WxQyDataException e) {
            LOG.debug("wx.qy.getEnterpriseUserInfo data refused: reason={}", e.reason());
            throw e;
        }
    }

    /**
     * {@link #enterpriseUserInfo(String, String, String, String, String)} with the session's key.
     *
     * @param session       the member's current login, kept server-side
     * @param rawData       {@code res.rawData}, unchanged
     * @param signature     {@code res.signature}
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the member's corp, userid, name and gender, and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public EnterpriseUserInfo enterpriseUserInfo(LoginSession session, String rawData, String signature,
                                                 String encryptedData, String iv) {
        return enterpriseUserInfo(sessionKey(session), rawData, signature, encryptedData, iv);
    }

    /**
     * Decrypts a {@code wx.qy.getMobile} result. WeCom does not document the field name inside: {@code mobile} is
     * read first, then the WeChat mini-program's {@code phoneNumber} and {@code purePhoneNumber}.
     *
     * @param sessionKey    the session key of the member's current login ({@link LoginSession#sessionKey()})
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the mobile number and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public MobileInfo mobile(String sessionKey, String encryptedData, String iv) {
        JsonNode json = decryptOnly("getMobile", sessionKey, encryptedData, iv);
        try {
            Watermark watermark = watermark(json);
            for (String field : new String[] {"mobile", "phoneNumber", "purePhoneNumber"}) {
                JsonNode value = json.get(field);
                if (value != null && value.isTextual() && !value.asText().isBlank()) {
                    return new MobileInfo(value.asText(), watermark);
                }
            }
            throw new WxQyDataException(Reason.MISSING_FIELD, "none of mobile, phoneNumber, purePhoneNumber is a"
                    + " non-empty string; is this the payload of wx.qy.getMobile?");
        } catch (WxQyDataException e) {
            LOG.debug("wx.qy.getMobile data refused: reason={}", e.reason());
            throw e;
        }
    }

    /**
     * {@link #mobile(String, String, String)} with the session's key.
     *
     * @param session       the member's current login, kept server-side
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the mobile number and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public MobileInfo mobile(LoginSession session, String encryptedData, String iv) {
        return mobile(sessionKey(session), encryptedData, iv);
    }

    /**
     * Decrypts a {@code wx.qy.getEmail} result.
     *
     * @param sessionKey    the session key of the member's current login ({@link LoginSession#sessionKey()})
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the email address and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public EmailInfo email(String sessionKey, String encryptedData, String iv) {
        JsonNode json = decryptOnly("getEmail", sessionKey, encryptedData, iv);
        try {
            Watermark watermark = watermark(json);
            return new EmailInfo(text(json, "email"), watermark);
        } catch (WxQyDataException e) {
            LOG.debug("wx.qy.getEmail data refused: reason={}", e.reason());
            throw e;
        }
    }

    /**
     * {@link #email(String, String, String)} with the session's key.
     *
     * @param session       the member's current login, kept server-side
     * @param encryptedData {@code res.encryptedData}
     * @param iv            {@code res.iv}
     * @return the email address and the watermark
     * @throws WxQyDataException        if a check fails; {@link WxQyDataException#reason()} says which
     * @throws NullPointerException     naming the argument that is null
     * @throws IllegalArgumentException naming the argument that is blank or too long
     */
    public EmailInfo email(LoginSession session, String encryptedData, String iv) {
        return email(sessionKey(session), encryptedData, iv);
    }

    /** @return the appid and the maximum age */
    @Override
    public String toString() {
        return "WxQyData[appId=" + appId + ", maxAge=" + (maxAge == null ? "none" : maxAge) + "]";
    }

    private JsonNode decryptOnly(String call, String sessionKey, String encryptedData, String iv) {
        checkShort("sessionKey", sessionKey);
        checkLong("encryptedData", encryptedData);
        checkShort("iv", iv);
        try {
            return open(WxQyCipher.key(sessionKey), WxQyCipher.iv(iv), encryptedData);
        } catch (WxQyDataException e) {
            LOG.debug("wx.qy.{} data refused: reason={}", call, e.reason());
            throw e;
        }
    }

    private static JsonNode open(byte[] key, byte[] iv, String encryptedData) {
        String plaintext = WxQyCipher.decrypt(key, iv, encryptedData);
        JsonNode json;
        try {
            json = JSON.readTree(plaintext);
        } catch (IOException e) {
            // Jackson's message quotes the text it choked on: the plaintext. Neither it nor the cause goes on.
            throw new WxQyDataException(Reason.BAD_JSON, "the decrypted text is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new WxQyDataException(Reason.BAD_JSON, "the decrypted text is JSON but not an object");
        }
        return json;
    }

    private Watermark watermark(JsonNode json) {
        JsonNode mark = json.get("watermark");
        if (mark == null || !mark.isObject()) {
            throw new WxQyDataException(Reason.MISSING_FIELD, "watermark is missing or not an object");
        }
        String markAppId = text(mark, "appid", "watermark.appid");
        if (!markAppId.equals(appId)) {
            throw new WxQyDataException(Reason.APPID_MISMATCH, "watermark.appid is " + describeAppId(markAppId)
                    + ", expected \"" + appId + "\": the data was made for another mini-program");
        }
        Instant timestamp = timestamp(mark.get("timestamp"));
        if (maxAge != null) {
            // between(..) cannot overflow for any two instants; timestamp.plus(maxAge) could for a huge maxAge.
            Duration age = Duration.between(timestamp, clock.instant());
            if (age.compareTo(maxAge) > 0) {
                throw new WxQyDataException(Reason.TOO_OLD, "watermark.timestamp is " + age.getSeconds()
                        + " s old, more than maxAge " + maxAge + "; ask the mini-program for the data again");
            }
        }
        return new Watermark(markAppId, timestamp);
    }

    /** Seconds, as in the WeChat mini-program's watermark; milliseconds accepted too, since WeCom does not say. */
    private static Instant timestamp(JsonNode node) {
        long value;
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.asLong();
        } else if (node != null && node.isTextual() && node.asText().matches("[0-9]{1,18}")) {
            value = Long.parseLong(node.asText());
        } else {
            throw new WxQyDataException(Reason.MISSING_FIELD, "watermark.timestamp is missing or not a whole number");
        }
        if (value <= 0) {
            throw new WxQyDataException(Reason.MISSING_FIELD, "watermark.timestamp is not a positive number");
        }
        return value >= MILLIS_THRESHOLD ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }

    /** The payload's appid is shown when it looks like an id (that makes a wrong configuration obvious), else only its size. */
    private static String describeAppId(String value) {
        if (!APP_ID_SHAPE.matcher(value).matches()) {
            return "a value of " + value.length() + " characters that is not an appid";
        }
        return "\"" + value + "\"";
    }

    private static String text(JsonNode json, String field) {
        return text(json, field, field);
    }

    private static String text(JsonNode json, String field, String name) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new WxQyDataException(Reason.MISSING_FIELD, name + " is missing or not a non-empty string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isTextual() ? value.asText() : "";
    }

    /** WeCom documents a number (0, 1, 2); the string form that user/get uses is accepted as well. */
    private static Member.Gender gender(JsonNode node) {
        String code = node == null ? "" : node.isIntegralNumber() || node.isTextual() ? node.asText() : "";
        switch (code) {
            case "1":
                return Member.Gender.MALE;
            case "2":
                return Member.Gender.FEMALE;
            default:
                return Member.Gender.UNDEFINED;
        }
    }

    private static String sessionKey(LoginSession session) {
        return Objects.requireNonNull(session, "session == null").sessionKey();
    }

    private static void checkShort(String name, String value) {
        check(name, value, MAX_SHORT_CHARS);
    }

    private static void checkLong(String name, String value) {
        check(name, value, MAX_PAYLOAD_CHARS);
    }

    private static void check(String name, String value, int max) {
        Objects.requireNonNull(value, () -> name + " == null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(name + " is too long: " + value.length() + " chars, at most " + max);
        }
    }

    /**
     * Configures a {@link WxQyData} for apps that keep session keys outside {@link LoginSession}; with a
     * {@code WeComClient}, set {@code miniProgramAppId(..)} on its builder and call {@code client.wxQy()} instead.
     *
     * <pre>{@code
     * WxQyData wxQy = WxQyData.builder().appId("wx0123456789abcdef").maxAge(Duration.ofMinutes(5)).build();
     * EmailInfo email = wxQy.email(sessionKeyFromYourStore, encryptedData, iv);
     * }</pre>
     */
    public static final class Builder {
        private String appId;
        private Clock clock = Clock.systemUTC();
        private Duration maxAge;

        private Builder() {
        }

        /**
         * @param appId the mini-program's appid ({@code wx...}, from the WeChat mini-program console), which every
         *              watermark must carry; not the corp id ({@code ww...}); required
         * @return this builder
         * @throws IllegalArgumentException if it does not look like a mini-program appid (the value is not shown)
         */
        public Builder appId(String appId) {
            this.appId = checkAppId(appId);
            return this;
        }

        /**
         * @param clock the clock {@link #maxAge(Duration)} is measured on; {@code Clock.systemUTC()} by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Refuses payloads whose {@code watermark.timestamp} is older than this ({@link WxQyDataException.Reason#TOO_OLD}).
         * Off by default: the data is bound to the session key already, and a server whose clock is behind
         * WeCom's, or a user who takes a while to confirm {@code getMobile}, would be refused for nothing.
         *
         * @param maxAge the largest accepted age, positive; e.g. five minutes
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = positive(maxAge);
            return this;
        }

        /**
         * @return the decryptor
         * @throws IllegalStateException if {@code appId} was not set
         */
        public WxQyData build() {
            if (appId == null) {
                throw new IllegalStateException("appId is required: call appId(..) with the mini-program's appid"
                        + " (wx...)");
            }
            return new WxQyData(appId, clock, maxAge);
        }

        private static String checkAppId(String appId) {
            Objects.requireNonNull(appId, "appId == null");
            if (appId.startsWith("ww")) {
                throw new IllegalArgumentException("appId looks like a corp id (ww...); it must be the"
                        + " mini-program's appid (wx...), which watermark.appid carries");
            }
            if (!APP_ID.matcher(appId).matches()) {
                throw new IllegalArgumentException("appId must be the mini-program's appid: \"wx\" and 6 to 32"
                        + " letters or digits (" + appId.length() + " chars given)");
            }
            return appId;
        }

        private static Duration positive(Duration maxAge) {
            Objects.requireNonNull(maxAge, "maxAge == null");
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("maxAge must be positive");
            }
            return maxAge;
        }
    }
}
