package io.github.wecomkit.observe;

import java.time.Duration;

/**
 * An attempt failed and is retried after {@code backoff}.
 *
 * @param api     the API path
 * @param owner   the corp (or suite) id the call was made for
 * @param attempt the attempt that failed (1 for the first)
 * @param reason  why it is retried
 * @param backoff the wait before the next attempt
 */
public record RetryEvent(String api, String owner, int attempt, Reason reason, Duration backoff) {

    /** Why an attempt is retried. */
    public enum Reason {
        /** errcode -1: WeCom was busy and did not process the call. */
        SYSTEM_BUSY,
        /** A connection could not be opened, or (for a call safe to repeat) a reset or timeout. */
        TRANSPORT,
        /** An HTTP 5xx on a call safe to repeat. */
        HTTP_5XX
    }
}
