package io.github.wecomkit.error;

/**
 * The member is outside the app's visible range (errcode 60011). Not retryable: an admin must add the member, department or tag to the app's visible range.
 *
 * <pre>{@code
 * catch (NoPrivilegeException e) {
 *     int code = e.errcode(); // 60011
 * }
 * }</pre>
 */
public class NoPrivilegeException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    NoPrivilegeException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
