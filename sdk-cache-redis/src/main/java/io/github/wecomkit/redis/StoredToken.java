package io.github.wecomkit.redis;

import io.github.wecomkit.token.AccessToken;
import java.time.Instant;
import java.util.Optional;

/**
 * The value format under a token key: {@code <issuedAtEpochMillis>:<expiresAtEpochMillis>:<token>}, for example
 * {@code 1795000000000:1795007200000:kT3...}. Plain text so that other tools and languages can read it without a
 * JSON library; the token comes last so it may contain any character, and the Lua scripts find it with
 * {@code ^%d+:%d+:(.*)$}.
 */
final class StoredToken {
    private StoredToken() {
    }

    static String encode(AccessToken token) {
        return token.issuedAt().toEpochMilli() + ":" + token.expiresAt().toEpochMilli() + ":" + token.value();
    }

    /** Returns empty for anything this store did not write, so a foreign value reads as "no token". */
    static Optional<AccessToken> decode(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        int first = raw.indexOf(':');
        int second = first < 0 ? -1 : raw.indexOf(':', first + 1);
        if (first <= 0 || second <= first + 1 || second == raw.length() - 1) {
            return Optional.empty();
        }
        try {
            Instant issuedAt = Instant.ofEpochMilli(Long.parseLong(raw.substring(0, first)));
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(raw.substring(first + 1, second)));
            return Optional.of(AccessToken.of(raw.substring(second + 1), issuedAt, expiresAt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
