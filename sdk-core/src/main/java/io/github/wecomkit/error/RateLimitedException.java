package io.github.wecomkit.error;

/**
 * WeCom's frequency or concurrency limit was hit (errcode 45009, 45033). Never retried automatically: a minute-level block lasts 60 s, an hour-level block an hour.
 *
 * <pre>{@code
 * catch (RateLimitedException e) {
 *     int code = e.errcode(); // 45009
 * }
 * }</pre>
 */
public class RateLimitedException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    RateLimitedException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
