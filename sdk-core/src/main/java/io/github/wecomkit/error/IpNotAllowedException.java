package io.github.wecomkit.error;

/**
 * This server's IP is not in the app's trusted IP list (errcode 60020). Add it in the WeCom admin console; the change takes about a minute.
 *
 * <pre>{@code
 * catch (IpNotAllowedException e) {
 *     int code = e.errcode(); // 60020
 * }
 * }</pre>
 */
public class IpNotAllowedException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    IpNotAllowedException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
