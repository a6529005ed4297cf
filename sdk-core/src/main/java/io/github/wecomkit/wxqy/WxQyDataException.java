package io.github.wecomkit.wxqy;

import io.github.wecomkit.error.WeComException;

import java.util.Objects;

/**
 * A {@code wx.qy.*} payload that {@link WxQyData} refused, with the {@link Reason} a backend can branch on.
 *
 * <pre>{@code
 * try {
 *     MobileInfo mobile = wxQy.mobile(session, encryptedData, iv);
 * } catch (WxQyDataException e) {
 *     log.info("wx.qy payload refused: {}", e.reason());
 *     // one generic answer for every reason: distinct answers would help an attacker probe the decryption
 *     return badRequest("please try again");
 * }
 * }</pre>
 *
 * <p>Never retryable as such: the same payload fails the same way (a fresh login and a fresh payload may succeed,
 * see {@link Reason}). The message names the failed check, never the session key, the ciphertext, the decrypted
 * text, a mobile number or an email address.
 */
public final class WxQyDataException extends WeComException {
    private static final long serialVersionUID = 1L;

    /**
     * Which check refused the payload.
     *
     * <pre>{@code
     * if (e.reason() == WxQyDataException.Reason.APPID_MISMATCH) { ... } // a configuration error, not the user's
     * }</pre>
     */
    public enum Reason {
        /** The session key is not Base64 of 16 bytes: the server passed something else than jscode2session's session_key. */
        BAD_KEY,
        /** The {@code iv} is not Base64 of 16 bytes. */
        BAD_IV,
        /**
         * {@code signature} is not {@code sha1(rawData + session_key)}: {@code rawData} or {@code signature} was
         * changed, or the session key is not the one the mini-program's data was made with (an older login).
         */
        BAD_SIGNATURE,
        /**
         * The encrypted data is not Base64, not whole AES blocks, or does not decrypt to padded UTF-8 text:
         * tampered, truncated, or (most often) decrypted with another session than the one that produced it.
         */
        BAD_CIPHERTEXT,
        /** The decrypted text is not one JSON object (malformed, another JSON value, or a repeated field). */
        BAD_JSON,
        /** A field the result needs is absent, empty or of the wrong type; the message names it. */
        MISSING_FIELD,
        /** {@code watermark.appid} is not the configured mini-program appid: data made for another mini-program. */
        APPID_MISMATCH,
        /** {@code watermark.timestamp} is older than the configured maximum age. */
        TOO_OLD
    }

    private final Reason reason;

    WxQyDataException(Reason reason, String detail) {
        super("wx.qy data refused (" + Objects.requireNonNull(reason, "reason == null") + "): " + detail, null,
                false);
        this.reason = reason;
    }

    /** @return the check that refused the payload */
    public Reason reason() {
        return reason;
    }
}
