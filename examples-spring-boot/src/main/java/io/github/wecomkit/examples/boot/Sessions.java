package io.github.wecomkit.examples.boot;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * This backend's own session tokens, handed to the mini-program after a login instead of anything WeCom gave
 * (never the session key). Kept in memory for the demo; a real service uses its session store or JWTs.
 */
@Component
public class Sessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Who a session token belongs to.
     *
     * @param corpId the member's corp
     * @param userId the member's user id
     */
    public record Subject(String corpId, String userId) {
    }

    private final Map<String, Subject> subjects = new ConcurrentHashMap<>();

    /**
     * @param subject the member who logged in
     * @return a new random token for them
     */
    public String issue(Subject subject) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        subjects.put(token, subject);
        return token;
    }

    /**
     * @param token a token from {@link #issue(Subject)}
     * @return its member, if the token is known
     */
    public Optional<Subject> find(String token) {
        return Optional.ofNullable(subjects.get(token));
    }
}
