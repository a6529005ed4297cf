package io.github.wecomkit.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An access token and the window in which it is valid. {@link #toString()} never shows the value.
 *
 * <pre>{@code
 * AccessToken token = AccessToken.of(value, clock.instant(), clock.instant().plusSeconds(7200));
 * }</pre>
 */
public final class AccessToken {
    private final String value;
    private final Instant issuedAt;
    private final Instant expiresAt;

    private AccessToken(String value, Instant issuedAt, Instant expiresAt) {
        this.value = value;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
    }

    /**
     * @param value     the token as WeCom issued it
     * @param issuedAt  when it was fetched
     * @param expiresAt when WeCom said it ends ({@code issuedAt + expires_in})
     * @return the token
     * @throws IllegalArgumentException if the value is blank or {@code expiresAt} is not after {@code issuedAt}
     */
    public static AccessToken of(String value, Instant issuedAt, Instant expiresAt) {
        Objects.requireNonNull(value, "value == null");
        Objects.requireNonNull(issuedAt, "issuedAt == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("token value is blank");
        }
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt: issuedAt=" + issuedAt
                    + ", expiresAt=" + expiresAt);
        }
        return new AccessToken(value, issuedAt, expiresAt);
    }

    /** @return the token value; never log it */
    public String value() {
        return value;
    }

    /** @return when the token was fetched */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** @return when WeCom said the token ends */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** @return {@code expiresAt - issuedAt} */
    public Duration lifetime() {
        return Duration.between(issuedAt, expiresAt);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AccessToken)) {
            return false;
        }
        AccessToken that = (AccessToken) o;
        return value.equals(that.value) && issuedAt.equals(that.issuedAt) && expiresAt.equals(that.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, issuedAt, expiresAt);
    }

    /** @return the validity window; the value is redacted */
    @Override
    public String toString() {
        return "AccessToken{value=<redacted>, issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "}";
    }
}
