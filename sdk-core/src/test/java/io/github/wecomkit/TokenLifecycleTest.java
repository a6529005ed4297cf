package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.TOKEN_2;
import static io.github.wecomkit.testing.Payloads.TOKEN_3;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.event.Level;

/** The token lifecycle as a caller sees it: one fetch per lifetime, refresh ahead, safe invalidation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenLifecycleTest {
    private static final String GETTOKEN = "/cgi-bin/gettoken";
    private static final String JSCODE = "/cgi-bin/miniprogram/jscode2session";
    private static final String USER_GET = "/cgi-bin/user/get";

    @RegisterExtension
    static WireMockExtension wecom = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().containerThreads(80).jettyAcceptors(2))
            .build();

    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");

    @BeforeEach
    void stubLoginAndUser() {
        for (String token : List.of(TOKEN_1, TOKEN_2, TOKEN_3)) {
            wecom.stubFor(get(urlPathEqualTo(JSCODE)).withQueryParam("access_token", equalTo(token))
                    .willReturn(okJson(Payloads.session(CORP_ID, USER_ID))));
            wecom.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(token))
                    .willReturn(okJson(Payloads.USER)));
        }
    }

    /** gettoken answers TOKEN_1, then TOKEN_2, then TOKEN_3 forever, each after {@code delayMillis}. */
    private static void stubTokens(long expiresIn, int delayMillis) {
        String[] values = {TOKEN_1, TOKEN_2, TOKEN_3};
        for (int i = 0; i < values.length; i++) {
            String state = i == 0 ? Scenario.STARTED : "issued-" + i;
            var stub = get(urlPathEqualTo(GETTOKEN)).inScenario("tokens").whenScenarioStateIs(state)
                    .willReturn(okJson(Payloads.token(values[i], expiresIn)).withFixedDelay(delayMillis));
            if (i < values.length - 1) {
                stub = stub.willSetStateTo("issued-" + (i + 1));
            }
            wecom.stubFor(stub);
        }
    }

    private WeComClient.Builder client() {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wecom.baseUrl()).clock(clock)
                .sleeper(d -> { });
    }

    private static int gettokenCalls() {
        return wecom.findAll(getRequestedFor(urlPathEqualTo(GETTOKEN))).size();
    }

    private static <T> List<T> runConcurrently(int threads, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void login_with64ThreadsOnAColdClient_callsGettokenExactlyOnce() throws Exception {
        stubTokens(7200, 200);
        WeComClient client = client().build();

        List<LoginSession> sessions = runConcurrently(64, () -> client.login(CODE));

        assertEquals(64, sessions.size());
        sessions.forEach(s -> assertEquals(USER_ID, s.userId()));
        assertEquals(1, gettokenCalls());
        wecom.verify(exactly(64), getRequestedFor(urlPathEqualTo(JSCODE))
                .withQueryParam("access_token", equalTo(TOKEN_1)));
    }

    @Test
    void login_withTwoClientsSharingAStore_callsGettokenExactlyOnce() throws Exception {
        stubTokens(7200, 200);
        TokenStore shared = new InMemoryTokenStore(clock);
        WeComClient first = client().tokenStore(shared).build();
        WeComClient second = client().tokenStore(shared).build();

        List<LoginSession> sessions = runConcurrently(64, () -> {
            WeComClient c = Thread.currentThread().getId() % 2 == 0 ? first : second;
            return c.login(CODE);
        });

        assertEquals(64, sessions.size());
        assertEquals(1, gettokenCalls());
    }

    @Test
    void getUser_when64CallersAllGet40014_refreshesExactlyOnceAndAllSucceed() throws Exception {
        stubTokens(7200, 100);
        WeComClient client = client().build();
        client.login(CODE); // warm: TOKEN_1 in hand
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(40014, "invalid access_token"))));

        List<Member> members = runConcurrently(64, () -> client.getUser(USER_ID));

        assertEquals(64, members.size());
        assertEquals(2, gettokenCalls(), "one fetch at warm-up, exactly one refresh after the 40014s");
        wecom.verify(exactly(64), getRequestedFor(urlPathEqualTo(USER_GET))
                .withQueryParam("access_token", equalTo(TOKEN_2)));
    }

    @Test
    void getUser_after42001_invalidatesOnlyThatTokenAndRetriesOnce() {
        stubTokens(7200, 0);
        WeComClient client = client().build();
        client.login(CODE);
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(42001, "access_token expired"))));

        Member member = client.getUser(USER_ID);

        assertEquals(USER_ID, member.userId());
        assertEquals(2, gettokenCalls());
        wecom.verify(exactly(1), getRequestedFor(urlPathEqualTo(USER_GET))
                .withQueryParam("access_token", equalTo(TOKEN_1)));
        wecom.verify(exactly(1), getRequestedFor(urlPathEqualTo(USER_GET))
                .withQueryParam("access_token", equalTo(TOKEN_2)));
    }

    @Test
    void compareAndInvalidate_whenAnotherClientAlreadyRefreshed_keepsTheNewToken() {
        stubTokens(7200, 0);
        TokenStore shared = new InMemoryTokenStore(clock);
        WeComClient early = client().tokenStore(shared).build();
        early.login(CODE); // TOKEN_1 stored and held by `early`
        shared.invalidate("access_token:" + CORP_ID + ":" + io.github.wecomkit.internal.Inputs.shortHash(SECRET),
                TOKEN_1);
        WeComClient late = client().tokenStore(shared).build();
        late.login(CODE); // fetches TOKEN_2 into the store
        wecom.stubFor(get(urlPathEqualTo(USER_GET)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(40014, "invalid access_token"))));

        early.getUser(USER_ID); // rejected TOKEN_1: must adopt TOKEN_2 from the store, not fetch TOKEN_3

        assertEquals(2, gettokenCalls());
        wecom.verify(exactly(0), getRequestedFor(urlPathEqualTo(USER_GET))
                .withQueryParam("access_token", equalTo(TOKEN_3)));
    }

    @Test
    void refreshAhead_whenTokenTurnsStale_callersKeepTheOldTokenWhileOneBackgroundRefreshRuns() {
        stubTokens(7200, 0);
        ManualExecutor background = new ManualExecutor();
        WeComClient client = client().refreshExecutor(background).build();
        client.login(CODE);
        assertEquals("FRESH", client.tokenState());

        // 7200 s token, 60 s expiry margin, 300 s refresh-ahead: stale from 6840 s on.
        clock.advance(Duration.ofSeconds(6839));
        client.login(CODE);
        assertEquals("FRESH", client.tokenState());
        assertEquals(0, background.pending());

        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 10; i++) {
            client.login(CODE); // served at once with TOKEN_1: nobody waits for gettoken
        }
        assertEquals(1, gettokenCalls(), "no caller fetched in its own thread");
        assertEquals(1, background.pending(), "exactly one background refresh was scheduled");
        wecom.verify(exactly(12), getRequestedFor(urlPathEqualTo(JSCODE))
                .withQueryParam("access_token", equalTo(TOKEN_1)));

        assertEquals(1, background.runAll());
        assertEquals(2, gettokenCalls());
        assertEquals("FRESH", client.tokenState());
        client.login(CODE);
        wecom.verify(exactly(1), getRequestedFor(urlPathEqualTo(JSCODE))
                .withQueryParam("access_token", equalTo(TOKEN_2)));
    }

    @Test
    void refreshAhead_whenTheBackgroundRefreshFails_keepsServingAndRetriesAfterAnInterval() {
        stubTokens(7200, 0);
        ManualExecutor background = new ManualExecutor();
        WeComClient client = client().refreshExecutor(background).build();
        client.login(CODE);
        clock.advance(Duration.ofSeconds(6841));
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        client.login(CODE);
        background.runAll(); // fails after its retries; the token in hand still works
        client.login(CODE);
        assertEquals(0, background.pending(), "no new refresh before the retry interval");

        clock.advance(Duration.ofSeconds(6));
        client.login(CODE);
        assertEquals(1, background.pending());
    }

    @Test
    void token_whenExpired_isFetchedSynchronouslyOnce() {
        stubTokens(7200, 0);
        WeComClient client = client().refreshExecutor(new ManualExecutor()).build();
        client.login(CODE);

        clock.advance(Duration.ofSeconds(7141)); // past 7200 - 60
        assertEquals("EXPIRED", client.tokenState());
        client.login(CODE);

        assertEquals(2, gettokenCalls());
        assertEquals("FRESH", client.tokenState());
    }

    @Test
    void margins_forAShortLivedToken_scaleDownSoItIsServedMostOfItsLife() {
        stubTokens(10, 0);
        WeComClient client = client().refreshExecutor(new ManualExecutor()).build();
        client.login(CODE);

        // 10 s token: expiry margin min(60 s, 1 s) = 1 s, refresh-ahead min(300 s, 2.5 s) = 2.5 s.
        clock.advance(Duration.ofMillis(6400));
        assertEquals("FRESH", client.tokenState());
        clock.advance(Duration.ofMillis(200));
        assertEquals("STALE", client.tokenState());
        clock.advance(Duration.ofMillis(2500));
        assertEquals("EXPIRED", client.tokenState());
    }

    @Test
    void margins_areConfigurable() {
        stubTokens(7200, 0);
        WeComClient client = client().tokenRefreshAhead(Duration.ofMinutes(20)).tokenExpiryMargin(Duration.ZERO)
                .refreshExecutor(new ManualExecutor()).build();
        client.login(CODE);

        clock.advance(Duration.ofSeconds(7200 - 1200 - 1));
        assertEquals("FRESH", client.tokenState());
        clock.advance(Duration.ofSeconds(2));
        assertEquals("STALE", client.tokenState());
    }

    @Test
    void gettoken_withAWrongSecret_failsFastAndDoesNotLoop() {
        wecom.stubFor(get(urlPathEqualTo(GETTOKEN)).willReturn(okJson(Payloads.error(40001, "invalid secret"))));
        WeComClient client = client().build();

        assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        assertThrows(InvalidCredentialException.class, () -> client.getUser(USER_ID));

        assertEquals(1, gettokenCalls(), "within the cooldown the failure is answered from memory");
        clock.advance(Duration.ofSeconds(11));
        assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        assertEquals(2, gettokenCalls());
        wecom.verify(exactly(0), getRequestedFor(urlPathEqualTo(JSCODE)));
    }

    @Test
    void storeFailure_degradesToInProcessTokensWithOneWarning_andRecovers() {
        stubTokens(7200, 0);
        FlakyStore store = new FlakyStore(new InMemoryTokenStore(clock));
        store.down.set(true);
        WeComClient client = client().tokenStore(store).refreshExecutor(new ManualExecutor()).build();
        LogCapture.clear();

        for (int i = 0; i < 5; i++) {
            assertEquals(USER_ID, client.login(CODE).userId());
        }
        clock.advance(Duration.ofSeconds(7141)); // expired: a refresh that meets the dead store again
        assertEquals(USER_ID, client.login(CODE).userId());

        long warnings = LogCapture.events().stream()
                .filter(e -> e.level() == Level.WARN && e.text().contains("token store failed")).count();
        assertEquals(1, warnings, "one warning per outage, not per call");
        assertEquals(2, gettokenCalls());

        store.down.set(false);
        clock.advance(Duration.ofSeconds(7141));
        client.login(CODE);
        assertEquals(3, gettokenCalls());
        assertEquals(TOKEN_3, store.delegate.get(keyOf()).map(AccessToken::value).orElse(null),
                "back on the shared store");
        assertEquals(1, LogCapture.events().stream()
                .filter(e -> e.level() == Level.INFO && e.text().contains("reachable again")).count());
    }

    @Test
    void nearCache_whileTheTokenIsFresh_theStoreIsNotRead() {
        stubTokens(7200, 0);
        FlakyStore store = new FlakyStore(new InMemoryTokenStore(clock));
        WeComClient client = client().tokenStore(store).build();

        for (int i = 0; i < 50; i++) {
            client.login(CODE);
        }

        assertEquals(2, store.gets, "one read before the lease, one under it; none per call");
    }

    @Test
    void leaseHolderThatNeverReturns_othersFetchAfterTheLeaseAndWaitRunOut() {
        stubTokens(7200, 0);
        TokenStore shared = new InMemoryTokenStore(); // real time: the lease must run out for real
        String key = keyOf();
        Optional<RefreshLease> stuck = shared.tryAcquireLease(key, Duration.ofMillis(300));
        assertEquals(true, stuck.isPresent());
        WeComClient client = client().clock(java.time.Clock.systemUTC()).tokenStore(shared)
                .refreshLease(Duration.ofMillis(300), Duration.ofMillis(200)).build();

        assertEquals(USER_ID, client.login(CODE).userId());
        assertEquals(1, gettokenCalls());
    }

    @Test
    void gettoken_whenWeComIsUnreachable_throwsTransportExceptionWithoutTheSecret() {
        WeComClient client = WeComClient.builder().corpId(CORP_ID).secret(SECRET)
                .baseUrl("http://127.0.0.1:" + closedPort()).retryPolicy(RetryPolicy.none()).build();

        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.login(CODE));

        assertEquals(false, e.mayHaveReachedWeCom());
        assertEquals(false, e.getMessage().contains(SECRET));
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyOf() {
        return "access_token:" + CORP_ID + ":" + io.github.wecomkit.internal.Inputs.shortHash(SECRET);
    }

    /** A store that can be switched off, and counts reads. */
    static final class FlakyStore implements TokenStore {
        final TokenStore delegate;
        final AtomicBoolean down = new AtomicBoolean();
        volatile int gets;

        FlakyStore(TokenStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down.get()) {
                throw new IllegalStateException("store is down");
            }
        }

        @Override
        public Optional<AccessToken> get(String key) {
            check();
            gets++;
            return delegate.get(key);
        }

        @Override
        public void put(String key, AccessToken token) {
            check();
            delegate.put(key, token);
        }

        @Override
        public boolean invalidate(String key, String tokenValue) {
            check();
            return delegate.invalidate(key, tokenValue);
        }

        @Override
        public Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime) {
            check();
            return delegate.tryAcquireLease(key, leaseTime);
        }
    }
}
