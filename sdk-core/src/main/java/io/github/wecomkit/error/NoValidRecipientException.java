package io.github.wecomkit.error;

/**
 * No recipient of a message was valid (errcode 81013): every user, department and tag named was unknown,
 * deleted, or outside the app's visible range, so nothing was sent. The other messages of a batch may still go
 * out; a message with some valid recipients succeeds and lists the invalid ones in its result instead.
 *
 * <pre>{@code
 * catch (NoValidRecipientException e) {
 *     markUndeliverable(notice);   // fix the recipients or the app's visible range; a resend fails alike
 * }
 * }</pre>
 */
public class NoValidRecipientException extends WeComApiException {
    private static final long serialVersionUID = 1L;

    NoValidRecipientException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
