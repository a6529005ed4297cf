package io.github.wecomkit.suite;

import java.time.Instant;

/**
 * A pre-authorisation code ({@code get_pre_auth_code}): the credential an install link carries, valid for 20
 * minutes. {@link #toString()} hides the value.
 *
 * <pre>{@code
 * PreAuthCode pre = suite.preAuthCode();
 * suite.setSessionInfo(pre, AuthType.TEST);
 * String url = suite.installUrl(pre, redirectUri, state);
 * }</pre>
 */
public final class PreAuthCode {
    private final String value;
    private final Instant expiresAt;

    PreAuthCode(String value, Instant expiresAt) {
        this.value = value;
        this.expiresAt = expiresAt;
    }

    /** @return the code; it goes into the install link only */
    public String value() {
        return value;
    }

    /** @return when WeCom stops accepting it */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return the expiry; never the code */
    @Override
    public String toString() {
        return "PreAuthCode{expiresAt=" + expiresAt + ", value=<redacted>}";
    }
}
