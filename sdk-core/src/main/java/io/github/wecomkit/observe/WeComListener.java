package io.github.wecomkit.observe;

/**
 * Sees what wecomkit does: every API attempt, retry, token refresh, wait for another instance's refresh, token
 * store outage and callback. For metrics and tracing; the Spring Boot starter ships one on Micrometer.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder()
 *         .corpId(corpId).secret(secret)
 *         .listener(new WeComListener() {
 *             @Override
 *             public void apiCall(ApiCallEvent e) {
 *                 metrics.record(e.api(), e.outcome(), e.errcode(), e.duration());
 *             }
 *         })
 *         .build();
 * }</pre>
 *
 * <p>Methods are called on the thread that did the work, synchronously: keep them fast and non-blocking. An
 * exception a method throws is caught and logged at DEBUG; it never fails the call. No event carries a secret,
 * an access token, a session key, a login code or a permanent code. With no listener set, no event object is
 * created at all.
 */
public interface WeComListener {
    /** A listener that ignores everything: the default. */
    WeComListener NONE = new WeComListener() {
    };

    /**
     * One HTTP attempt at a WeCom API ended, with an answer or without.
     *
     * @param event the api, attempt, outcome, errcode and duration
     */
    default void apiCall(ApiCallEvent event) {
    }

    /**
     * An attempt failed in a way a retry can fix, and another attempt follows after a backoff.
     *
     * @param event the api, the attempt that failed, why, and the backoff
     */
    default void retry(RetryEvent event) {
    }

    /**
     * A token refresh started, succeeded or failed.
     *
     * @param event which token, the phase, and on failure its errcode or exception type
     */
    default void tokenRefresh(TokenRefreshEvent event) {
    }

    /**
     * A caller waited for a refresh that another thread or instance was running.
     *
     * @param event how long, and whether a token arrived or the caller took the refresh over
     */
    default void leaseWait(LeaseWaitEvent event) {
    }

    /**
     * The token store failed and tokens are held in process only (degraded), or it answers again (recovered).
     *
     * @param event the state and the store
     */
    default void tokenStore(TokenStoreEvent event) {
    }

    /**
     * A callback request was accepted or rejected.
     *
     * @param event accepted or not, and the reason of a rejection
     */
    default void callback(CallbackOutcomeEvent event) {
    }
}
