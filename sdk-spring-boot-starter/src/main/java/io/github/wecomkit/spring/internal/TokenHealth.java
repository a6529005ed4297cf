package io.github.wecomkit.spring.internal;

import io.github.wecomkit.token.TokenStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code wecom} health, the same on every Boot line: built from what the clients already know
 * ({@code tokenStatus()}), so a health check never calls WeCom or the store.
 *
 * <p>DOWN when no corp can call WeCom: each has no usable token (absent or expired) and its last refresh failed.
 * One failing corp among several leaves the health UP, with that corp's failure in the details, so that one
 * revoked secret does not take the whole application out of its load balancer. A degraded token store is UP:
 * tokens are then held in process and calls still work.
 */
public final class TokenHealth {
    /**
     * @param up      whether the health is UP
     * @param details {@code corps} (per corp: state, expiresAt, lastFailure, storeDegraded) and
     *                {@code tokenStoreDegraded}
     */
    public record Summary(boolean up, Map<String, Object> details) {
    }

    private TokenHealth() {
    }

    /**
     * @param statuses one per client (corp)
     * @return the summary
     */
    public static Summary of(List<TokenStatus> statuses) {
        Map<String, Object> corps = new LinkedHashMap<>();
        boolean anyUsable = statuses.isEmpty();
        boolean degraded = false;
        for (TokenStatus s : statuses) {
            Map<String, Object> corp = new LinkedHashMap<>();
            corp.put("state", s.state().name());
            s.expiresAt().ifPresent(at -> corp.put("expiresAt", at.toString()));
            s.lastFailure().ifPresent(f -> corp.put("lastFailure", f));
            corp.put("storeDegraded", s.storeDegraded());
            corps.put(s.owner(), corp);
            boolean noToken = s.state() == TokenStatus.State.ABSENT || s.state() == TokenStatus.State.EXPIRED;
            anyUsable |= !(noToken && s.lastFailure().isPresent());
            degraded |= s.storeDegraded();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("corps", corps);
        details.put("tokenStoreDegraded", degraded);
        return new Summary(anyUsable, details);
    }
}
