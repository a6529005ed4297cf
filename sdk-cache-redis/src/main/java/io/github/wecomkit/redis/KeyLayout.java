package io.github.wecomkit.redis;

import java.util.Objects;

/**
 * Where one token key lives in Redis. The client's key is wrapped in a hash tag so that the token, its lease and
 * the notification channel all map to one Redis Cluster slot (a Lua script may only touch keys of one slot):
 * <ul>
 *   <li>token: {@code <prefix>{<key>}}</li>
 *   <li>lease: {@code <prefix>{<key>}:lease}</li>
 *   <li>channel published on every put: {@code <prefix>{<key>}:stored}</li>
 * </ul>
 */
final class KeyLayout {
    /** Longer keys are a bug upstream, not a real app; Redis itself would accept 512 MB. */
    static final int MAX_KEY_LENGTH = 256;

    private final String prefix;

    KeyLayout(String prefix) {
        this.prefix = checkPrefix(prefix);
    }

    String prefix() {
        return prefix;
    }

    String tokenKey(String key) {
        return prefix + "{" + checkKey(key) + "}";
    }

    String leaseKey(String key) {
        return tokenKey(key) + ":lease";
    }

    String channel(String key) {
        return tokenKey(key) + ":stored";
    }

    static String checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix == null");
        if (prefix.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key prefix longer than " + MAX_KEY_LENGTH + " characters");
        }
        checkCharacters(prefix, "key prefix");
        return prefix;
    }

    static String checkKey(String key) {
        Objects.requireNonNull(key, "key == null");
        if (key.isBlank()) {
            throw new IllegalArgumentException("key is blank");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key longer than " + MAX_KEY_LENGTH + " characters");
        }
        checkCharacters(key, "key");
        return key;
    }

    /** Braces would move the hash tag and split a token from its lease across cluster slots. */
    private static void checkCharacters(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' || c == '}') {
                throw new IllegalArgumentException(what + " must not contain '{' or '}' (Redis Cluster hash tags)");
            }
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(what + " must not contain whitespace or control characters");
            }
        }
    }
}
