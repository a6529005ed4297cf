package io.github.wecomkit.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What {@code wx.qy.getEnterpriseUserInfo}, {@code wx.qy.getMobile} and {@code wx.qy.getEmail} hand a member's
 * mini-program in one login session: the member's data, watermarked with the mini-program's appid and the time,
 * encrypted with that session's key (AES-128-CBC, PKCS#7, a fresh random iv each time). A test passes these to
 * the backend exactly as the mini-program would, so the decrypt path runs end to end.
 *
 * <pre>{@code
 * LoginSession session = client.login(wecom.issueCode("wwcorp", "zhangsan"));
 * FakeWxQy.EncryptedPayload payload = wecom.wxQy(session.sessionKey()).mobile("wx0123456789abcdef");
 * MobileInfo mobile = client.wxQy().mobile(session, payload.encryptedData(), payload.iv());
 * }</pre>
 *
 * <p>WeCom does not document the field name inside {@code getMobile}'s data: the fake writes {@code mobile} by
 * default and the WeChat mini-program's {@code phoneNumber} / {@code purePhoneNumber} / {@code countryCode} with
 * {@link #mobileField(MobileField) mobileField(PHONE_NUMBER)}; run the tests that matter under both. The watermark
 * timestamp is in seconds, as in the WeChat mini-program. Immutable and thread-safe.
 */
public final class FakeWxQy {
    /**
     * How {@code getMobile}'s decrypted JSON names the number; WeCom's documentation does not say.
     *
     * <pre>{@code
     * wecom.wxQy(sessionKey).mobileField(FakeWxQy.MobileField.PHONE_NUMBER).mobile(appId);
     * }</pre>
     */
    public enum MobileField {
        /** {@code {"mobile": "138..."}}: the likely WeCom name (unconfirmed). */
        MOBILE,
        /** {@code {"phoneNumber", "purePhoneNumber", "countryCode": "86"}}: the WeChat mini-program's names. */
        PHONE_NUMBER
    }

    /**
     * The result of {@code wx.qy.getEnterpriseUserInfo} in the mini-program.
     *
     * <pre>{@code
     * FakeWxQy.UserInfoPayload p = wecom.wxQy(session.sessionKey()).enterpriseUserInfo(appId);
     * client.wxQy().enterpriseUserInfo(session, p.rawData(), p.signature(), p.encryptedData(), p.iv());
     * }</pre>
     *
     * @param rawData       the JSON of {@code userInfo} ({@code name}, {@code gender}, {@code language})
     * @param signature     {@code hex(sha1(rawData + session_key))}
     * @param encryptedData the encrypted member data (corpid, userid, name, gender, watermark)
     * @param iv            the Base64 initialisation vector
     */
    public record UserInfoPayload(String rawData, String signature, String encryptedData, String iv) {
        /** @return the {@code res} object the mini-program's success callback gets, as JSON to post to a backend */
        public String toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("userInfo", readTree(rawData));
            res.put("rawData", rawData);
            res.put("signature", signature);
            res.put("encryptedData", encryptedData);
            res.put("iv", iv);
            return write(res);
        }
    }

    /**
     * The result of {@code wx.qy.getMobile} or {@code wx.qy.getEmail} in the mini-program.
     *
     * <pre>{@code
     * FakeWxQy.EncryptedPayload p = wecom.wxQy(session.sessionKey()).email(appId);
     * client.wxQy().email(session, p.encryptedData(), p.iv());
     * }</pre>
     *
     * @param encryptedData the encrypted data
     * @param iv            the Base64 initialisation vector
     */
    public record EncryptedPayload(String encryptedData, String iv) {
        /** @return the {@code res} object the mini-program's success callback gets, as JSON to post to a backend */
        public String toJson() {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("encryptedData", encryptedData);
            res.put("iv", iv);
            return write(res);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sessionKey;
    private final byte[] key;
    private final String corpId;
    private final FakeMember member;
    private final Clock clock;
    private final MobileField mobileField;

    private FakeWxQy(String sessionKey, byte[] key, String corpId, FakeMember member, Clock clock,
                     MobileField mobileField) {
        this.sessionKey = sessionKey;
        this.key = key;
        this.corpId = corpId;
        this.member = member;
        this.clock = clock;
        this.mobileField = mobileField;
    }

    /**
     * Payloads for a session that did not come from a {@link FakeWeCom} login; with one, use
     * {@link FakeWeCom#wxQy(String)}.
     *
     * @param sessionKey the session key (Base64 of 16 bytes)
     * @param corpId     the member's corp
     * @param member     the member whose data the payloads carry
     * @param clock      the clock for the watermark's timestamp
     * @return the payload source
     * @throws IllegalArgumentException if the session key is not Base64 of 16 bytes
     */
    public static FakeWxQy of(String sessionKey, String corpId, FakeMember member, Clock clock) {
        Objects.requireNonNull(sessionKey, "sessionKey == null");
        Objects.requireNonNull(corpId, "corpId == null");
        Objects.requireNonNull(member, "member == null");
        Objects.requireNonNull(clock, "clock == null");
        byte[] key;
        try {
            key = Base64.getDecoder().decode(sessionKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sessionKey is not Base64");
        }
        if (key.length != 16) {
            throw new IllegalArgumentException("sessionKey must be Base64 of 16 bytes, not " + key.length);
        }
        return new FakeWxQy(sessionKey, key, corpId, member, clock, MobileField.MOBILE);
    }

    /**
     * @param field how {@link #mobile(String)} names the number; {@link MobileField#MOBILE} by default
     * @return a copy writing the number under that name
     */
    public FakeWxQy mobileField(MobileField field) {
        return new FakeWxQy(sessionKey, key, corpId, member, clock, Objects.requireNonNull(field, "field == null"));
    }

    /**
     * @param appId the mini-program's appid for the watermark ({@code wx...}); another one tests the backend's check
     * @return what {@code wx.qy.getEnterpriseUserInfo} returns: the member's corp, userid, name and gender
     */
    public UserInfoPayload enterpriseUserInfo(String appId) {
        Map<String, Object> userInfo = new LinkedHashMap<>();
        userInfo.put("name", member.name());
        userInfo.put("gender", gender());
        userInfo.put("language", "zh_CN");
        String rawData = write(userInfo);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("corpid", corpId);
        data.put("userid", member.userId());
        data.put("name", member.name());
        data.put("gender", gender());
        data.put("watermark", watermark(appId));
        EncryptedPayload sealed = seal(data);
        return new UserInfoPayload(rawData, sha1Hex(rawData + sessionKey), sealed.encryptedData(), sealed.iv());
    }

    /**
     * @param appId the mini-program's appid for the watermark
     * @return what {@code wx.qy.getMobile} returns once the member agreed
     * @throws IllegalStateException if the member has no mobile number (set one with {@code FakeMember.Builder.mobile})
     */
    public EncryptedPayload mobile(String appId) {
        if (member.mobile().isEmpty()) {
            throw new IllegalStateException("member " + member.userId() + " has no mobile number; give it one with"
                    + " FakeMember.builder(..).mobile(..)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (mobileField == MobileField.MOBILE) {
            data.put("mobile", member.mobile());
        } else {
            data.put("phoneNumber", member.mobile());
            data.put("purePhoneNumber", member.mobile());
            data.put("countryCode", "86");
        }
        data.put("watermark", watermark(appId));
        return seal(data);
    }

    /**
     * @param appId the mini-program's appid for the watermark
     * @return what {@code wx.qy.getEmail} returns once the member agreed
     * @throws IllegalStateException if the member has no email address (set one with {@code FakeMember.Builder.email})
     */
    public EncryptedPayload email(String appId) {
        if (member.email().isEmpty()) {
            throw new IllegalStateException("member " + member.userId() + " has no email address; give it one with"
                    + " FakeMember.builder(..).email(..)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("email", member.email());
        data.put("watermark", watermark(appId));
        return seal(data);
    }

    /** @return the corp, member and field name; never the session key */
    @Override
    public String toString() {
        return "FakeWxQy{corpId=" + corpId + ", userId=" + member.userId() + ", mobileField=" + mobileField + "}";
    }

    /** WeCom sends gender as a number here (0, 1, 2), where user/get sends a string. */
    private int gender() {
        String code = member.gender();
        return "1".equals(code) ? 1 : "2".equals(code) ? 2 : 0;
    }

    private Map<String, Object> watermark(String appId) {
        Objects.requireNonNull(appId, "appId == null");
        Map<String, Object> mark = new LinkedHashMap<>();
        mark.put("appid", appId);
        mark.put("timestamp", clock.instant().getEpochSecond());
        return mark;
    }

    private EncryptedPayload seal(Map<String, Object> data) {
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            byte[] sealed = cipher.doFinal(write(data).getBytes(StandardCharsets.UTF_8));
            return new EncryptedPayload(Base64.getEncoder().encodeToString(sealed),
                    Base64.getEncoder().encodeToString(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the Java runtime refused AES-128-CBC", e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    private static String write(Object value) {
        try {
            return WeComReplies.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return WeComReplies.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rawData is not JSON", e);
        }
    }
}
