package io.github.wecomkit.observe;

/**
 * A callback request was accepted or rejected.
 *
 * @param accepted whether it verified and decrypted
 * @param kind     {@code url_verification}, {@code event} or {@code duplicate}
 * @param reason   on rejection, the {@code CallbackException.Reason} name, else {@code null}
 */
public record CallbackOutcomeEvent(boolean accepted, String kind, String reason) {
}
