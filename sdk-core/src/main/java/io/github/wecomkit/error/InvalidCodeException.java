package io.github.wecomkit.error;

/**
 * The login code is invalid (errcode 40029): already used, older than five minutes, or from another app. The mini-program must call {@code wx.qy.login} again.
 *
 * <pre>{@code
 * catch (InvalidCodeException e) {
 *     int code = e.errcode(); // 40029
 * }
 * }</pre>
 */
public class InvalidCodeException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    InvalidCodeException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
