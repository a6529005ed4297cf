package io.github.wecomkit.observe;

import java.time.Duration;

/**
 * One HTTP attempt at a WeCom API.
 *
 * @param api        the API path, e.g. {@code user/get}; a small, fixed set of values
 * @param owner      the corp (or suite) id the call was made for
 * @param attempt    1 for the first attempt, 2 for the first retry, ...
 * @param outcome    how the attempt ended
 * @param errcode    WeCom's errcode when it answered with JSON (0 on success), otherwise 0
 * @param httpStatus the HTTP status, or 0 when no answer arrived
 * @param duration   from sending the request to the end of the answer or the failure
 */
public record ApiCallEvent(String api, String owner, int attempt, Outcome outcome, int errcode, int httpStatus,
                           Duration duration) {

    /** How an attempt ended. */
    public enum Outcome {
        /** errcode 0. */
        SUCCESS,
        /** WeCom answered with a non-zero errcode. */
        API_ERROR,
        /** An HTTP status other than 2xx (a gateway's error page, say). */
        HTTP_ERROR,
        /** No complete answer: connect failure, reset, timeout. */
        TRANSPORT_ERROR,
        /** A body that is not WeCom's JSON. */
        DECODE_ERROR
    }
}
