package io.github.wecomkit.token;

import java.time.Instant;
import java.util.Optional;

/**
 * What a client knows about its token right now, for health checks and dashboards; never the token itself.
 * Reading it never calls WeCom or the store.
 *
 * <pre>{@code
 * TokenStatus status = client.tokenStatus();
 * if (status.state() == TokenStatus.State.ABSENT && status.lastFailure().isPresent()) { ... }
 * }</pre>
 *
 * @param owner        the corp (or suite) id the token is for
 * @param state        where the token in hand is in its life
 * @param expiresAt    when WeCom said the token in hand ends, if there is one
 * @param lastFailure  the last refresh failure not yet followed by a success: its errcode or exception type, never
 *                     a secret
 * @param storeDegraded whether the token store failed and tokens are held in process only
 */
public record TokenStatus(String owner, State state, Optional<Instant> expiresAt, Optional<String> lastFailure,
                          boolean storeDegraded) {

    /** Where the token in hand is in its life. */
    public enum State {
        /** Used as is. */
        FRESH,
        /** Used as is while one background refresh renews it. */
        STALE,
        /** Within the safety margin of its end: callers wait for a refresh (or keep it if refreshes fail). */
        EXPIRED,
        /** No token yet (nothing called WeCom), or the last one was rejected. */
        ABSENT
    }
}
