package io.github.wecomkit;

import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.SESSION_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.observe.ApiCallEvent;
import io.github.wecomkit.observe.LeaseWaitEvent;
import io.github.wecomkit.observe.RetryEvent;
import io.github.wecomkit.observe.TokenRefreshEvent;
import io.github.wecomkit.observe.TokenStoreEvent;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.TokenServer;
import io.github.wecomkit.testing.TokenServer.Behaviour;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exact events a listener sees for a retry, a background refresh and a store outage, against a stub that
 * follows WeCom's token rules; and that no event carries a secret, a token, a code or a session key.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerEventsTest {
    private static final String GETTOKEN = "apiCall gettoken #1 SUCCESS errcode=0 http=200";
    private static final String LOGIN_OK = "apiCall miniprogram/jscode2session #1 SUCCESS errcode=0 http=200";
    private static final String STARTED = "tokenRefresh CORP " + CORP_ID + " STARTED";
    private static final String FETCHED = "tokenRefresh CORP " + CORP_ID + " SUCCEEDED fetched=true";

    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final Recorder events = new Recorder();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TokenServer wecom;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        assertNoSecretIn(events.texts);
    }

    private WeComClient client(WeComClient.Builder extra) {
        wecom = TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY);
        closing.add(wecom);
        WeComClient client = extra.corpId(CORP_ID).secret(SECRET).baseUrl(wecom.baseUrl()).clock(clock)
                .sleeper(d -> { }).listener(events).build();
        closing.add(client);
        return client;
    }

    @Test
    void retry_ofABusyLogin_isOneFailedAttempt_oneRetry_thenTheSucceedingAttempt() {
        WeComClient client = client(WeComClient.builder());
        wecom.rejectNext("miniprogram/jscode2session", 1, -1);

        client.login(CODE);

        assertEquals(List.of(
                STARTED,
                GETTOKEN,
                FETCHED,
                "apiCall miniprogram/jscode2session #1 API_ERROR errcode=-1 http=200",
                "retry miniprogram/jscode2session #1 SYSTEM_BUSY",
                "apiCall miniprogram/jscode2session #2 SUCCESS errcode=0 http=200"), events.sequence());
        assertTrue(events.retryBackoffs.get(0).compareTo(RetryPolicy.DEFAULT_INITIAL_BACKOFF) <= 0,
                "the first backoff is at most the initial backoff (jitter takes up to half off)");
    }

    @Test
    void refresh_ofAStaleToken_servesTheCallFirst_thenOneBackgroundRefreshFetches() {
        ManualExecutor background = new ManualExecutor();
        WeComClient client = client(WeComClient.builder().refreshExecutor(background));
        client.login(CODE);
        assertEquals(List.of(STARTED, GETTOKEN, FETCHED, LOGIN_OK), events.sequence());
        events.clear();

        clock.advance(Duration.ofSeconds(6841)); // stale: 7200 s token, 60 s margin, 300 s refresh-ahead
        client.login(CODE);
        assertEquals(List.of(LOGIN_OK), events.sequence(), "the call went out with the token in hand");

        assertEquals(1, background.runAll());
        assertEquals(List.of(LOGIN_OK, STARTED, GETTOKEN, FETCHED), events.sequence());
    }

    @Test
    void storeOutage_isReportedOnceWhenItStarts_andOnceWhenTheStoreAnswersAgain() {
        TokenLifecycleTest.RecordingStore store = new TokenLifecycleTest.RecordingStore(new InMemoryTokenStore(clock));
        store.down.set(true);
        WeComClient client = client(WeComClient.builder().tokenStore(store).refreshExecutor(new ManualExecutor()));
        String degraded = "tokenStore DEGRADED " + store + " IllegalStateException";

        client.login(CODE);
        client.login(CODE); // a fresh token in hand: the store is not read, so no second report
        // The cold start reads the store inside the refresh: that read is the first to fail.
        assertEquals(List.of(STARTED, degraded, GETTOKEN, FETCHED, LOGIN_OK, LOGIN_OK), events.sequence());
        events.clear();

        store.down.set(false);
        clock.advance(Duration.ofSeconds(7141)); // expired: the next call refreshes, through the store again
        client.login(CODE);

        assertEquals(List.of(STARTED, "tokenStore RECOVERED " + store + " null", GETTOKEN, FETCHED, LOGIN_OK),
                events.sequence());
        assertFalse(client.tokenStatus().storeDegraded());
    }

    private void assertNoSecretIn(List<String> texts) {
        List<String> secrets = new ArrayList<>(List.of(SECRET, CODE, SESSION_KEY));
        if (wecom != null) {
            secrets.addAll(wecom.liveTokens());
            secrets.addAll(wecom.tokensUsed());
        }
        for (String text : texts) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), () -> "an event's toString() carries a secret: " + text);
            }
        }
    }

    /** Keeps every event's {@code toString()} and a duration-free line per event, in arrival order. */
    private static final class Recorder implements WeComListener {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<Duration> retryBackoffs = new CopyOnWriteArrayList<>();

        List<String> sequence() {
            return List.copyOf(lines);
        }

        void clear() {
            lines.clear();
        }

        @Override
        public void apiCall(ApiCallEvent e) {
            texts.add(e.toString());
            lines.add("apiCall " + e.api() + " #" + e.attempt() + " " + e.outcome() + " errcode=" + e.errcode()
                    + " http=" + e.httpStatus());
        }

        @Override
        public void retry(RetryEvent e) {
            texts.add(e.toString());
            retryBackoffs.add(e.backoff());
            lines.add("retry " + e.api() + " #" + e.attempt() + " " + e.reason());
        }

        @Override
        public void tokenRefresh(TokenRefreshEvent e) {
            texts.add(e.toString());
            lines.add("tokenRefresh " + e.kind() + " " + e.owner() + " " + e.phase()
                    + (e.phase() == TokenRefreshEvent.Phase.SUCCEEDED ? " fetched=" + e.fetched() : "")
                    + (e.phase() == TokenRefreshEvent.Phase.FAILED ? " " + e.failure() : ""));
        }

        @Override
        public void leaseWait(LeaseWaitEvent e) {
            texts.add(e.toString());
            lines.add("leaseWait " + e.kind() + " " + e.tokenArrived());
        }

        @Override
        public void tokenStore(TokenStoreEvent e) {
            texts.add(e.toString());
            lines.add("tokenStore " + e.state() + " " + e.store() + " " + e.error());
        }
    }
}
