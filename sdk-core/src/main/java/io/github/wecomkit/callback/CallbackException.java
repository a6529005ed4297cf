package io.github.wecomkit.callback;

import io.github.wecomkit.error.WeComException;

import java.util.Objects;

/**
 * A callback request that {@link WeComCallback} refused, with the {@link Reason} a handler can branch on.
 *
 * <pre>{@code
 * try {
 *     CallbackEvent event = callback.decrypt(signature, timestamp, nonce, body);
 * } catch (CallbackException e) {
 *     log.warn("rejected WeCom callback: {}", e.reason());
 *     response.setStatus(e.reason() == CallbackException.Reason.BODY_TOO_LARGE ? 413 : 400);
 * }
 * }</pre>
 *
 * <p>Never retryable: the same request fails the same way. The message names the failed check and the likely
 * misconfiguration; it never contains the Token, the EncodingAESKey or the decrypted message.
 */
public final class CallbackException extends WeComException {
    private static final long serialVersionUID = 1L;

    /**
     * Which check refused the request.
     *
     * <pre>{@code
     * if (e.reason() == CallbackException.Reason.WRONG_RECEIVE_ID) { ... }
     * }</pre>
     */
    public enum Reason {
        /** A query parameter or the body was {@code null} (missing from the request). */
        MISSING_PARAMETER,
        /** The body (or {@code echostr}) is larger than the configured limit. */
        BODY_TOO_LARGE,
        /** The body or the decrypted message is not acceptable XML (including any DOCTYPE or entity). */
        MALFORMED_XML,
        /** {@code msg_signature} does not match; usually the Token is not the one configured in WeCom. */
        BAD_SIGNATURE,
        /** The timestamp is outside the configured freshness window, or not a number. */
        STALE_TIMESTAMP,
        /** The encrypted text is not Base64, or not a whole number of AES blocks. */
        BAD_CIPHERTEXT,
        /** The Java runtime refused the AES key. */
        BAD_KEY,
        /** The PKCS#7 padding after decryption is invalid; usually the EncodingAESKey is wrong. */
        BAD_PADDING,
        /** The message length inside the decrypted block does not fit; usually the EncodingAESKey is wrong. */
        BAD_LENGTH,
        /** The receive id after the message is not one of the configured ones (corp id or suite id). */
        WRONG_RECEIVE_ID
    }

    private final Reason reason;

    CallbackException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    CallbackException(Reason reason, String detail, Throwable cause) {
        super("WeCom callback rejected (" + Objects.requireNonNull(reason, "reason == null") + "): " + detail,
                cause, false);
        this.reason = reason;
    }

    /**
     * @return the check that refused the request
     */
    public Reason reason() {
        return reason;
    }
}
