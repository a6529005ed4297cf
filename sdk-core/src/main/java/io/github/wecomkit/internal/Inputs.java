package io.github.wecomkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/** Checks on values that come from callers, before anything goes on the wire. Messages never show the value. */
public final class Inputs {
    /** Longer than any WeCom id, code or ticket; a longer value is a bug or an attack, not a login. */
    public static final int MAX_LENGTH = 1024;

    private Inputs() {
    }

    /**
     * @return {@code value}, if it is non-null, not blank, at most {@link #MAX_LENGTH} chars, and free of control
     *     characters
     * @throws NullPointerException     naming the argument, for null
     * @throws IllegalArgumentException naming the argument and the rule broken (never the value)
     */
    public static String require(String name, String value) {
        Objects.requireNonNull(value, () -> name + " == null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(name + " is too long: " + value.length() + " chars, at most "
                    + MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(name + " contains a control character at index " + i);
            }
        }
        return value;
    }

    /** The first 16 hex digits of SHA-256: enough to keep apps apart, useless for recovering a secret. */
    public static String shortHash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(16);
            for (int i = 0; i < 8; i++) {
                hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
