package io.github.wecomkit.internal;

import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.observe.ApiCallEvent;
import io.github.wecomkit.observe.CallbackOutcomeEvent;
import io.github.wecomkit.observe.LeaseWaitEvent;
import io.github.wecomkit.observe.RetryEvent;
import io.github.wecomkit.observe.TokenRefreshEvent;
import io.github.wecomkit.observe.TokenStoreEvent;
import io.github.wecomkit.observe.WeComListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the user's {@link WeComListener}: builds an event only when a listener is set, and never
 * lets a listener's exception reach the call it observes.
 */
public final class Events {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    /** No listener: every method returns at once. */
    public static final Events NONE = new Events(WeComListener.NONE);

    private final WeComListener listener;
    private final boolean on;

    private Events(WeComListener listener) {
        this.listener = listener;
        this.on = listener != WeComListener.NONE;
    }

    /** @return events for {@code listener}, or {@link #NONE} */
    public static Events of(WeComListener listener) {
        return listener == null || listener == WeComListener.NONE ? NONE : new Events(listener);
    }

    /** @return whether a listener is set */
    public boolean on() {
        return on;
    }

    /** @return the listener (for a client that hands it on to the clients it creates) */
    public WeComListener listener() {
        return listener;
    }

    public void apiCall(String api, String owner, int attempt, ApiCallEvent.Outcome outcome, int errcode,
                        int httpStatus, long nanos) {
        if (!on) {
            return;
        }
        try {
            listener.apiCall(new ApiCallEvent(api, owner, attempt, outcome, errcode, httpStatus,
                    Duration.ofNanos(nanos)));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    public void retry(String api, String owner, int attempt, RetryEvent.Reason reason, Duration backoff) {
        if (!on) {
            return;
        }
        try {
            listener.retry(new RetryEvent(api, owner, attempt, reason, backoff));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    void tokenRefresh(TokenManager.Config config, TokenRefreshEvent.Phase phase, boolean fetched, Throwable failure,
                      long nanos) {
        if (!on) {
            return;
        }
        int errcode = failure instanceof WeComApiException ? ((WeComApiException) failure).errcode() : 0;
        try {
            listener.tokenRefresh(new TokenRefreshEvent(config.kind(), config.owner(), phase, fetched, errcode,
                    failure == null ? null : failure.getClass().getSimpleName(), Duration.ofNanos(nanos)));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    void leaseWait(TokenManager.Config config, long nanos, boolean tokenArrived) {
        if (!on) {
            return;
        }
        try {
            listener.leaseWait(new LeaseWaitEvent(config.kind(), config.owner(), Duration.ofNanos(nanos),
                    tokenArrived));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    void tokenStore(TokenStoreEvent.State state, Object store, Throwable error) {
        if (!on) {
            return;
        }
        try {
            listener.tokenStore(new TokenStoreEvent(state, String.valueOf(store),
                    error == null ? null : error.getClass().getSimpleName()));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    public void callback(boolean accepted, String kind, String reason) {
        if (!on) {
            return;
        }
        try {
            listener.callback(new CallbackOutcomeEvent(accepted, kind, reason));
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    private static void swallowed(RuntimeException e) {
        LOG.debug("a WeComListener threw; ignored: {}", e.getClass().getSimpleName());
    }
}
