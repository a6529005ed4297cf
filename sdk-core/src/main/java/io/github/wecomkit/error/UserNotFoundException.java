package io.github.wecomkit.error;

/**
 * The user id does not exist in the corp (errcode 60111): deleted, left, or a plain userid after an id upgrade.
 *
 * <pre>{@code
 * catch (UserNotFoundException e) {
 *     int code = e.errcode(); // 60111
 * }
 * }</pre>
 */
public class UserNotFoundException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    UserNotFoundException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
