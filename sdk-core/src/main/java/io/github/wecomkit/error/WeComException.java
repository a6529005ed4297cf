package io.github.wecomkit.error;

/**
 * The root of every exception wecomkit throws. Unchecked: a caller catches the subclass it can act on.
 *
 * <pre>{@code
 * try {
 *     client.login(code);
 * } catch (InvalidCodeException e) {
 *     // the mini-program must call wx.qy.login again
 * } catch (WeComException e) {
 *     if (e.retryable()) { ... }
 * }
 * }</pre>
 *
 * <p>Messages never contain a secret, an access token, a session key or a login code.
 */
public class WeComException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /**
     * @param message   what failed, ending with the facts (never a secret)
     * @param cause     the underlying failure, or {@code null}
     * @param retryable whether calling again later can succeed
     */
    protected WeComException(String message, Throwable cause, boolean retryable) {
        // A null cause is left unset (not set to null) so that a copy can still record the original.
        super(message);
        if (cause != null) {
            initCause(cause);
        }
        this.retryable = retryable;
    }

    /**
     * Whether the same call may succeed if made again later (after the SDK's own retries were used up).
     *
     * @return {@code true} for transient failures such as a busy server or a timeout
     */
    public boolean retryable() {
        return retryable;
    }
}
