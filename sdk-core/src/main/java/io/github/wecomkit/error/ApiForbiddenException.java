package io.github.wecomkit.error;

/**
 * This app may not call this API (errcode 48002): a configuration error, not a problem of one request. For a
 * mini-program notice it means the app is not bound to a mini-program (only the mini-program's own app may send
 * one); elsewhere, that the app lacks the permission the API needs. Every further call fails the same way, so a
 * batch of notices stops here, unlike {@link NoValidRecipientException}, which concerns one notice's recipients.
 *
 * <pre>{@code
 * catch (ApiForbiddenException e) {
 *     alertOps("the secret configured is not the mini-program app's: " + e.getMessage());
 * }
 * }</pre>
 */
public class ApiForbiddenException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    ApiForbiddenException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
