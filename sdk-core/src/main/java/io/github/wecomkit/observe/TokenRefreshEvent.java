package io.github.wecomkit.observe;

import java.time.Duration;

/**
 * A token refresh started, succeeded or failed. A refresh that found a token another instance had just stored
 * succeeds without a call to WeCom ({@code fetched == false}).
 *
 * @param kind     which token
 * @param owner    the corp or suite id the token is for
 * @param phase    started, succeeded or failed
 * @param fetched  on success, whether this refresh called WeCom (false: it took another instance's token)
 * @param errcode  on failure, WeCom's errcode if it answered with one, else 0
 * @param failure  on failure, the simple name of the exception type, else {@code null}
 * @param duration for succeeded and failed, the time since the start; zero for started
 */
public record TokenRefreshEvent(TokenKind kind, String owner, Phase phase, boolean fetched, int errcode,
                                String failure, Duration duration) {

    /** Where a refresh is. */
    public enum Phase { STARTED, SUCCEEDED, FAILED }
}
