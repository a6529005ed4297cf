package io.github.wecomkit.spring;

import io.github.wecomkit.observe.ApiCallEvent;
import io.github.wecomkit.observe.CallbackOutcomeEvent;
import io.github.wecomkit.observe.LeaseWaitEvent;
import io.github.wecomkit.observe.RetryEvent;
import io.github.wecomkit.observe.TokenRefreshEvent;
import io.github.wecomkit.observe.TokenStoreEvent;
import io.github.wecomkit.observe.WeComListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what wecomkit does as Micrometer meters. The starter attaches one to every client it builds when the
 * application has a {@link MeterRegistry}; without Spring, pass one to {@code WeComClient.Builder.listener(..)}.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder()
 *         .corpId(corpId).secret(secret)
 *         .listener(new WeComMetricsListener(meterRegistry))
 *         .build();
 * }</pre>
 *
 * <p>The meters, each with a small, bounded set of tag values:
 * <ul>
 *   <li>{@value #API_CALLS} (timer): one per HTTP attempt; tags {@code api} (the API path, at most
 *       {@value #MAX_API_TAGS} values, then {@code other}), {@code outcome} ({@code success}, {@code api_error},
 *       {@code http_error}, {@code transport_error}, {@code decode_error}) and {@code errcode} (WeCom's errcode, or
 *       {@code none} when no JSON answer arrived);</li>
 *   <li>{@value #API_RETRIES} (counter): an attempt that is retried; tags {@code api}, {@code reason}
 *       ({@code system_busy}, {@code transport}, {@code http_5xx});</li>
 *   <li>{@value #TOKEN_REFRESHES} (timer): a finished token refresh; tags {@code kind} ({@code corp}, {@code suite},
 *       {@code provider}) and {@code outcome} ({@code fetched} from WeCom, {@code from_store}: another instance's
 *       token, or {@code failed});</li>
 *   <li>{@value #TOKEN_LEASE_WAITS} (timer): a wait for a refresh another thread or instance ran; tags
 *       {@code kind}, {@code outcome} ({@code token_arrived}, {@code took_over});</li>
 *   <li>{@value #TOKEN_STORE_DEGRADED} (gauge): how many token holders (one per corp and app) are on in-process
 *       tokens because the token store failed; 0 while the store answers;</li>
 *   <li>{@value #CALLBACKS} (counter): a callback request; tags {@code outcome} ({@code accepted},
 *       {@code rejected}), {@code kind} ({@code url_verification}, {@code event}, {@code duplicate}) and
 *       {@code reason} (why it was rejected, {@code none} when accepted).</li>
 * </ul>
 * No tag carries a corp id, user id, token or secret. Thread-safe; each event costs a map look-up and the
 * meter's own update.
 */
public final class WeComMetricsListener implements WeComListener {
    /** Timer of HTTP attempts at WeCom's APIs. */
    public static final String API_CALLS = "wecom.api.calls";
    /** Counter of retried attempts. */
    public static final String API_RETRIES = "wecom.api.retries";
    /** Timer of finished token refreshes. */
    public static final String TOKEN_REFRESHES = "wecom.token.refreshes";
    /** Timer of waits for another thread's or instance's refresh. */
    public static final String TOKEN_LEASE_WAITS = "wecom.token.lease.waits";
    /** Gauge of token holders on in-process tokens because the token store failed. */
    public static final String TOKEN_STORE_DEGRADED = "wecom.token.store.degraded";
    /** Counter of callback requests. */
    public static final String CALLBACKS = "wecom.callbacks";
    /** Distinct {@code api} tag values kept; further APIs are counted as {@code other}. */
    public static final int MAX_API_TAGS = 100;
    /** Distinct {@code (outcome, errcode)} pairs kept per API; further errcodes are counted as {@code other}. */
    static final int MAX_ERROR_TAGS = 50;

    private static final String OTHER = "other";
    private static final String NONE = "none";
    private static final String[] OUTCOMES = lowerCase(ApiCallEvent.Outcome.values());
    private static final String[] RETRY_REASONS = lowerCase(RetryEvent.Reason.values());

    private final MeterRegistry registry;
    private final Map<String, Api> apis = new ConcurrentHashMap<>();
    private final Api otherApi;
    private final Map<String, Timer> tokenTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
    /** Held here: a gauge keeps only a weak reference to what it reads. */
    private final AtomicInteger degraded = new AtomicInteger();

    /**
     * @param registry where the meters go
     */
    public WeComMetricsListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry == null");
        this.otherApi = new Api(OTHER);
        Gauge.builder(TOKEN_STORE_DEGRADED, degraded, AtomicInteger::get)
                .description("Token holders on in-process tokens because the token store failed")
                .register(registry);
    }

    @Override
    public void apiCall(ApiCallEvent event) {
        api(event.api()).record(event);
    }

    @Override
    public void retry(RetryEvent event) {
        api(event.api()).retry(event.reason());
    }

    @Override
    public void tokenRefresh(TokenRefreshEvent event) {
        String outcome;
        switch (event.phase()) {
            case SUCCEEDED:
                outcome = event.fetched() ? "fetched" : "from_store";
                break;
            case FAILED:
                outcome = "failed";
                break;
            default:
                return; // a start is not a refresh yet
        }
        tokenTimer(TOKEN_REFRESHES, "A finished access-token refresh", event.kind().name(), outcome)
                .record(event.duration());
    }

    @Override
    public void leaseWait(LeaseWaitEvent event) {
        tokenTimer(TOKEN_LEASE_WAITS, "A wait for a token refresh another thread or instance ran",
                event.kind().name(), event.tokenArrived() ? "token_arrived" : "took_over").record(event.waited());
    }

    @Override
    public void tokenStore(TokenStoreEvent event) {
        // Each token holder reports its own outage once and its recovery once, so this counts holders.
        if (event.state() == TokenStoreEvent.State.DEGRADED) {
            degraded.incrementAndGet();
        } else {
            degraded.updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    @Override
    public void callback(CallbackOutcomeEvent event) {
        String outcome = event.accepted() ? "accepted" : "rejected";
        String reason = event.reason() == null ? NONE : event.reason().toLowerCase(Locale.ROOT);
        String kind = event.kind() == null ? NONE : event.kind();
        callbacks.computeIfAbsent(outcome + '|' + kind + '|' + reason, k -> Counter.builder(CALLBACKS)
                .description("A callback request WeCom sent")
                .tags("outcome", outcome, "kind", kind, "reason", reason)
                .register(registry)).increment();
    }

    private Api api(String name) {
        Api api = apis.get(name);
        if (api != null) {
            return api;
        }
        if (apis.size() >= MAX_API_TAGS) {
            return otherApi;
        }
        return apis.computeIfAbsent(name, Api::new);
    }

    private Timer tokenTimer(String name, String description, String kind, String outcome) {
        String lowerKind = kind.toLowerCase(Locale.ROOT);
        return tokenTimers.computeIfAbsent(name + '|' + lowerKind + '|' + outcome, k -> Timer.builder(name)
                .description(description)
                .tags("kind", lowerKind, "outcome", outcome)
                .register(registry));
    }

    private static String[] lowerCase(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return names;
    }

    @Override
    public String toString() {
        return "WeComMetricsListener{registry=" + registry.getClass().getSimpleName() + ", apis=" + apis.size() + "}";
    }

    /** The meters of one API; the success timer is the hot path and is read without a map look-up. */
    private final class Api {
        final String tag;
        volatile Timer success;
        final Map<Long, Timer> failures = new ConcurrentHashMap<>();
        final Map<RetryEvent.Reason, Counter> retries = new ConcurrentHashMap<>();

        Api(String tag) {
            this.tag = tag;
        }

        void record(ApiCallEvent event) {
            ApiCallEvent.Outcome outcome = event.outcome();
            if (outcome == ApiCallEvent.Outcome.SUCCESS) {
                Timer timer = success;
                if (timer == null) {
                    timer = timer(OUTCOMES[outcome.ordinal()], "0");
                    success = timer;
                }
                timer.record(event.duration());
                return;
            }
            boolean answered = outcome == ApiCallEvent.Outcome.API_ERROR;
            long key = (long) outcome.ordinal() << 32 | (answered ? event.errcode() & 0xFFFFFFFFL : 0);
            Timer timer = failures.get(key);
            if (timer == null) {
                String errcode = answered ? Integer.toString(event.errcode()) : NONE;
                if (failures.size() >= MAX_ERROR_TAGS) {
                    timer = timer(OUTCOMES[outcome.ordinal()], answered ? OTHER : NONE);
                } else {
                    timer = failures.computeIfAbsent(key, k -> timer(OUTCOMES[outcome.ordinal()], errcode));
                }
            }
            timer.record(event.duration());
        }

        void retry(RetryEvent.Reason reason) {
            retries.computeIfAbsent(reason, r -> Counter.builder(API_RETRIES)
                    .description("An attempt at a WeCom API that failed and is retried")
                    .tags("api", tag, "reason", RETRY_REASONS[r.ordinal()])
                    .register(registry)).increment();
        }

        private Timer timer(String outcome, String errcode) {
            return Timer.builder(API_CALLS)
                    .description("One HTTP attempt at a WeCom API")
                    .tags("api", tag, "outcome", outcome, "errcode", errcode)
                    .register(registry);
        }
    }
}
