package io.github.wecomkit.error;

/**
 * The corp id or secret is wrong (errcode 40001, 40013, 40091, 40080): a configuration error that no retry fixes. wecomkit stops calling {@code gettoken} for a short while after one, so a bad secret cannot get the server's IP banned.
 *
 * <pre>{@code
 * catch (InvalidCredentialException e) {
 *     int code = e.errcode(); // 40001
 * }
 * }</pre>
 */
public class InvalidCredentialException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    InvalidCredentialException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
