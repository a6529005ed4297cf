package io.github.wecomkit.spring.internal;

import io.github.wecomkit.observe.ApiCallEvent;
import io.github.wecomkit.observe.CallbackOutcomeEvent;
import io.github.wecomkit.observe.LeaseWaitEvent;
import io.github.wecomkit.observe.RetryEvent;
import io.github.wecomkit.observe.TokenRefreshEvent;
import io.github.wecomkit.observe.TokenStoreEvent;
import io.github.wecomkit.observe.WeComListener;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link WeComListener} bean of the application as the one listener a client takes: none, the only one, or
 * all of them in order. One that throws does not keep the event from the others.
 */
public final class Listeners implements WeComListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<WeComListener> all;

    private Listeners(List<WeComListener> all) {
        this.all = all;
    }

    /**
     * @param listeners the application's listeners, in order
     * @return {@link WeComListener#NONE} for none (the client then builds no events at all), the listener itself
     *     for one, a listener that calls each in turn for several
     */
    public static WeComListener of(List<WeComListener> listeners) {
        if (listeners.isEmpty()) {
            return WeComListener.NONE;
        }
        return listeners.size() == 1 ? listeners.get(0) : new Listeners(List.copyOf(listeners));
    }

    /** Calls {@code listener.callback(event)}, which the endpoint does itself: a throwing listener is only logged. */
    public static void callback(WeComListener listener, CallbackOutcomeEvent event) {
        if (listener == WeComListener.NONE) {
            return;
        }
        try {
            listener.callback(event);
        } catch (RuntimeException e) {
            swallowed(e);
        }
    }

    @Override
    public void apiCall(ApiCallEvent event) {
        each(l -> l.apiCall(event));
    }

    @Override
    public void retry(RetryEvent event) {
        each(l -> l.retry(event));
    }

    @Override
    public void tokenRefresh(TokenRefreshEvent event) {
        each(l -> l.tokenRefresh(event));
    }

    @Override
    public void leaseWait(LeaseWaitEvent event) {
        each(l -> l.leaseWait(event));
    }

    @Override
    public void tokenStore(TokenStoreEvent event) {
        each(l -> l.tokenStore(event));
    }

    @Override
    public void callback(CallbackOutcomeEvent event) {
        each(l -> l.callback(event));
    }

    private void each(Consumer<WeComListener> call) {
        for (WeComListener listener : all) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                swallowed(e);
            }
        }
    }

    private static void swallowed(RuntimeException e) {
        LOG.debug("a WeComListener threw; ignored: {}", e.getClass().getSimpleName());
    }

    @Override
    public String toString() {
        return "Listeners" + all;
    }
}
