package io.github.wecomkit.error;

/**
 * The calling thread was interrupted while it waited for an access token or between retries. The thread's
 * interrupt flag is set again before this is thrown, so the caller's own shutdown logic still sees it.
 *
 * <pre>{@code
 * catch (WeComInterruptedException e) {
 *     return; // shutting down
 * }
 * }</pre>
 */
public class WeComInterruptedException extends WeComException {
    private static final long serialVersionUID = 1L;

    /** @param cause the interruption */
    public WeComInterruptedException(InterruptedException cause) {
        super("interrupted while waiting for WeCom", cause, true);
    }
}
