package io.github.wecomkit.examples;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The backend's own session tokens, handed to the mini-program after a login instead of anything WeCom gave
 * (never the session_key): {@code base64url(corpId|userId|expiresAtEpochSeconds).base64url(HMAC-SHA256)}.
 * A real service may use JWTs; this shows the idea with the JDK alone.
 *
 * <pre>{@code
 * SessionTokens tokens = new SessionTokens(key, Duration.ofHours(2), Clock.systemUTC());
 * String token = tokens.issue("wwcorp", "zhangsan");
 * Optional<SessionTokens.Subject> who = tokens.verify(token);
 * }</pre>
 */
public final class SessionTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Duration lifetime;
    private final Clock clock;

    /**
     * Creates a signer.
     *
     * @param key      the HMAC key, at least 32 bytes; the same on every instance of the service
     * @param lifetime how long an issued token is valid
     * @param clock    the clock for issue and expiry
     */
    public SessionTokens(byte[] key, Duration lifetime, Clock clock) {
        Objects.requireNonNull(key, "key == null");
        if (key.length < 32) {
            throw new IllegalArgumentException("the HMAC key must have at least 32 bytes, got " + key.length);
        }
        this.key = key.clone();
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime == null");
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    /** @return a signer with a random key: tokens die with the process, fine for a demo, not for a fleet */
    public static SessionTokens withRandomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SessionTokens(key, Duration.ofHours(2), Clock.systemUTC());
    }

    /**
     * Issues a token for a member.
     *
     * @param corpId the member's corp
     * @param userId the member's user id
     * @return the signed token
     */
    public String issue(String corpId, String userId) {
        Objects.requireNonNull(corpId, "corpId == null");
        Objects.requireNonNull(userId, "userId == null");
        if (corpId.contains("|") || userId.contains("|")) {
            throw new IllegalArgumentException("ids must not contain '|'");
        }
        long expiresAt = clock.instant().plus(lifetime).getEpochSecond();
        String payload = B64.encodeToString((corpId + "|" + userId + "|" + expiresAt).getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(sign(payload));
    }

    /**
     * Checks a token's signature and expiry.
     *
     * @param token what the mini-program sent back
     * @return who it belongs to, or empty if it is forged, malformed or expired
     */
    public Optional<Subject> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String payload = token.substring(0, dot);
        byte[] signature;
        String[] parts;
        try {
            signature = B64D.decode(token.substring(dot + 1));
            parts = new String(B64D.decode(payload), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Constant-time comparison: a timing difference must not reveal how much of a forged signature matched.
        if (!MessageDigest.isEqual(sign(payload), signature) || parts.length != 3) {
            return Optional.empty();
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new Subject(parts[0], parts[1], expiresAt));
    }

    private byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Whom a valid token names.
     *
     * @param corpId    the member's corp
     * @param userId    the member's user id
     * @param expiresAt when the token ends
     */
    public record Subject(String corpId, String userId, Instant expiresAt) {
    }
}
