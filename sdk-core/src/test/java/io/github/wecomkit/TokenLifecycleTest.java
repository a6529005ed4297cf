package io.github.wecomkit;

import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.SystemBusyException;
import io.github.wecomkit.error.TokenRejectedException;
import io.github.wecomkit.error.WeComInterruptedException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.TokenServer;
import io.github.wecomkit.testing.TokenServer.Behaviour;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStatus;
import io.github.wecomkit.token.TokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.event.Level;

/**
 * The token lifecycle as a caller sees it, against a stub that follows WeCom's token rules. Tests that depend on
 * how WeCom answers a repeated gettoken run under both answers: the same token with its validity restarted (the
 * documented rule) and a new token every time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenLifecycleTest {
    private static final String JSCODE = "miniprogram/jscode2session";
    private static final String USER_GET = "user/get";

    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final List<AutoCloseable> closing = new ArrayList<>();
    private TokenServer wecom;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private TokenServer start(Behaviour behaviour) {
        wecom = TokenServer.start(clock, behaviour);
        closing.add(wecom);
        return wecom;
    }

    private WeComClient.Builder client() {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wecom.baseUrl()).clock(clock)
                .sleeper(d -> { });
    }

    private WeComClient build(WeComClient.Builder b) {
        WeComClient c = b.build();
        closing.add(c);
        return c;
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

    private static String keyOf() {
        return "access_token:" + CORP_ID + ":" + io.github.wecomkit.internal.Inputs.shortHash(SECRET);
    }

    // ---- one fetch per lifetime -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void login_with64ThreadsOnAColdClient_callsGettokenExactlyOnce(Behaviour behaviour) throws Exception {
        start(behaviour).gettokenDelay(Duration.ofMillis(200));
        WeComClient client = build(client());

        List<LoginSession> sessions = runConcurrently(64, () -> client.login(CODE));

        assertEquals(64, sessions.size());
        sessions.forEach(s -> assertEquals(USER_ID, s.userId()));
        assertEquals(1, wecom.gettokenCalls());
        assertEquals(Set.of(wecom.currentToken()), new HashSet<>(wecom.tokensUsed()));
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void login_withTwoClientsSharingAStore_callsGettokenExactlyOnce(Behaviour behaviour) throws Exception {
        start(behaviour).gettokenDelay(Duration.ofMillis(200));
        TokenStore shared = new InMemoryTokenStore(clock);
        WeComClient first = build(client().tokenStore(shared));
        WeComClient second = build(client().tokenStore(shared));

        List<LoginSession> sessions = runConcurrently(64, () ->
                (Thread.currentThread().getId() % 2 == 0 ? first : second).login(CODE));

        assertEquals(64, sessions.size());
        assertEquals(1, wecom.gettokenCalls());
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void refreshes_ofFourClientsSharingAStore_costOneGettokenEach_overSeveralLifetimes(Behaviour behaviour) {
        start(behaviour).expiresIn(20);
        TokenStore shared = new InMemoryTokenStore(clock);
        List<WeComClient> fleet = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fleet.add(build(client().tokenStore(shared).refreshExecutor(Runnable::run)));
        }
        fleet.forEach(c -> c.login(CODE));
        assertEquals(1, wecom.gettokenCalls());

        // A 20 s token: 2 s expiry margin, 5 s refresh-ahead; stale from 13 s on.
        for (int round = 1; round <= 5; round++) {
            clock.advance(Duration.ofSeconds(14));
            for (WeComClient c : fleet) {
                assertEquals(USER_ID, c.login(CODE).userId());
            }
            assertEquals(1 + round, wecom.gettokenCalls(), "round " + round + ": one gettoken for the fleet");
            for (WeComClient c : fleet) {
                assertEquals("FRESH", c.tokenState(), "round " + round + ": every client took the refreshed token");
            }
        }
    }

    // ---- rejections -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void getUser_when64CallersAllGet40014_refreshesExactlyOnceAndAllSucceed(Behaviour behaviour) throws Exception {
        start(behaviour).gettokenDelay(Duration.ofMillis(100));
        WeComClient client = build(client());
        client.login(CODE);
        String revoked = wecom.currentToken();
        wecom.revoke(revoked);
        wecom.resetCounts();

        List<Member> members = runConcurrently(64, () -> client.getUser(USER_ID));

        assertEquals(64, members.size());
        assertEquals(1, wecom.gettokenCalls(), "exactly one refresh after the 40014s");
        Set<String> retried = new HashSet<>(wecom.tokensUsed());
        retried.remove(revoked);
        assertEquals(Set.of(wecom.currentToken()), retried);
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void getUser_after42001_invalidatesThatTokenAndRetriesOnce(Behaviour behaviour) {
        start(behaviour);
        WeComClient client = build(client());
        client.login(CODE);
        String expired = wecom.currentToken();
        wecom.expireEarly(expired);
        wecom.resetCounts();

        assertEquals(USER_ID, client.getUser(USER_ID).userId());

        assertEquals(1, wecom.gettokenCalls());
        assertEquals(List.of(expired, wecom.currentToken()), wecom.tokensUsed());
        assertNotEquals(expired, wecom.currentToken());
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void rejection_whoseRefreshBringsTheSameValueBack_costsOneGettokenNotTwo(Behaviour behaviour) {
        start(behaviour);
        WeComClient client = build(client());
        client.login(CODE);
        wecom.rejectNext(USER_GET, 1, 42001); // WeCom rejects once, then accepts the token again
        wecom.resetCounts();

        assertEquals(USER_ID, client.getUser(USER_ID).userId());

        assertEquals(1, wecom.gettokenCalls(), "the refresh started for the rejection is final, whatever value");
        assertEquals(2, wecom.tokensUsed().size());
    }

    @Test
    void rejection_duringARefreshThatBeganBeforeIt_fetchesOnceMore_whenThatRefreshBringsTheRejectedValue()
            throws Exception {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        ExecutorService background = Executors.newSingleThreadExecutor();
        closing.add(background::shutdownNow);
        WeComClient client = build(client().refreshExecutor(background));
        client.login(CODE);
        String first = wecom.currentToken();
        clock.advance(Duration.ofSeconds(6841)); // stale: the next call starts a background refresh
        wecom.hold();
        client.login(CODE);
        assertTrue(wecom.awaitGettokenCalls(2, Duration.ofSeconds(10)), "background refresh reached WeCom");
        clock.advance(Duration.ofSeconds(1)); // the rejection comes after that refresh began
        wecom.rejectNext(USER_GET, 1, 42001);

        CompletableFuture<Member> rejected = CompletableFuture.supplyAsync(() -> client.getUser(USER_ID));
        wecom.release();

        assertEquals(USER_ID, rejected.get(20, TimeUnit.SECONDS).userId());
        assertEquals(3, wecom.gettokenCalls(), "warm-up, the earlier refresh, and one for the rejection");
        assertEquals(first, wecom.currentToken(), "WeCom kept answering the same token");
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void tokenRejectedRightAfterItsFetch_isAConfigurationFailure_gettokenStaysBounded_andRecovers(Behaviour behaviour) {
        start(behaviour);
        wecom.refuseTokensAt(JSCODE, true); // the secret of an app that may not call jscode2session
        WeComClient client = build(client());
        LogCapture.clear();

        TokenRejectedException first = assertThrows(TokenRejectedException.class, () -> client.login(CODE));
        for (int i = 0; i < 9; i++) {
            assertThrows(TokenRejectedException.class, () -> client.login(CODE));
        }

        assertEquals(2, wecom.gettokenCalls(), "a fetch, one refetch for the first rejection, then none");
        assertEquals(40014, first.errcode());
        assertTrue(first.getMessage().contains("may not call this API"), first.getMessage());
        assertFalse(first.retryable());
        assertEquals(USER_ID, client.getUser(USER_ID).userId(), "the token still serves the APIs it may call");
        assertEquals(2, wecom.gettokenCalls());

        clock.advance(Duration.ofSeconds(61)); // the cooldown is over: one more try, then quiet again
        assertThrows(TokenRejectedException.class, () -> client.login(CODE));
        assertThrows(TokenRejectedException.class, () -> client.login(CODE));
        assertEquals(3, wecom.gettokenCalls());

        wecom.refuseTokensAt(JSCODE, false); // the configuration was fixed
        clock.advance(Duration.ofSeconds(61));
        assertEquals(USER_ID, client.login(CODE).userId());
        assertTrue(wecom.gettokenCalls() <= 4, "recovered with at most one more gettoken");
        assertEquals(2, LogCapture.events().stream().filter(e -> e.level() == Level.WARN
                && e.text().contains("rejected a token fetched moments ago")).count(), "one per cooldown");
    }

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void compareAndInvalidate_whenAnotherClientAlreadyRefreshed_adoptsItsToken(Behaviour behaviour) {
        start(behaviour);
        TokenStore shared = new InMemoryTokenStore(clock);
        WeComClient early = build(client().tokenStore(shared));
        early.login(CODE);
        String old = wecom.currentToken();
        wecom.revoke(old);
        clock.advance(Duration.ofSeconds(1));
        WeComClient late = build(client().tokenStore(shared));
        late.getUser(USER_ID); // 40014 on the shared token: refreshes into the store
        String renewed = wecom.currentToken();
        assertNotEquals(old, renewed);
        wecom.resetCounts();

        early.getUser(USER_ID); // rejected `old` too: must adopt `renewed` from the store, not fetch

        assertEquals(0, wecom.gettokenCalls());
        assertEquals(List.of(old, renewed), wecom.tokensUsed());
    }

    // ---- refresh ahead, expiry, serving while WeCom fails ------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Behaviour.class)
    void refreshAhead_whenTokenTurnsStale_callersKeepTheOldTokenWhileOneBackgroundRefreshRuns(Behaviour behaviour) {
        start(behaviour);
        ManualExecutor background = new ManualExecutor();
        WeComClient client = build(client().refreshExecutor(background));
        client.login(CODE);
        String first = wecom.currentToken();
        assertEquals("FRESH", client.tokenState());

        // 7200 s token, 60 s expiry margin, 300 s refresh-ahead: stale from 6840 s on.
        clock.advance(Duration.ofSeconds(6839));
        client.login(CODE);
        assertEquals("FRESH", client.tokenState());
        assertEquals(0, background.pending());

        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 10; i++) {
            client.login(CODE); // served at once with the token in hand: nobody waits for gettoken
        }
        assertEquals(1, wecom.gettokenCalls(), "no caller fetched in its own thread");
        assertEquals(1, background.pending(), "exactly one background refresh was scheduled");

        assertEquals(1, background.runAll());
        assertEquals(2, wecom.gettokenCalls());
        assertEquals("FRESH", client.tokenState(), "the refreshed token counts by its expiry, whatever its value");
        wecom.resetCounts();
        client.login(CODE);
        assertEquals(List.of(wecom.currentToken()), wecom.tokensUsed());
        assertEquals(behaviour == Behaviour.SAME_WITHIN_VALIDITY, first.equals(wecom.currentToken()));
    }

    @Test
    void refreshAhead_whenTheBackgroundRefreshFails_keepsServing_andBacksOffBeforeTheNextTry() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        ManualExecutor background = new ManualExecutor();
        WeComClient client = build(client().refreshExecutor(background).retryPolicy(RetryPolicy.none()));
        client.login(CODE);
        clock.advance(Duration.ofSeconds(6841));
        wecom.failEveryGettoken(-503);

        client.login(CODE);
        background.runAll(); // fails; the token in hand still works
        client.login(CODE);
        assertEquals(0, background.pending(), "no new refresh before the backoff");

        clock.advance(Duration.ofSeconds(1)); // the first backoff is 0.5 to 1 s
        client.login(CODE);
        assertEquals(1, background.pending());
    }

    @Test
    void token_whenExpired_isFetchedSynchronouslyOnce() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(client().refreshExecutor(new ManualExecutor()));
        client.login(CODE);

        clock.advance(Duration.ofSeconds(7141)); // past 7200 - 60
        assertEquals("EXPIRED", client.tokenState());
        client.login(CODE);

        assertEquals(2, wecom.gettokenCalls());
        assertEquals("FRESH", client.tokenState());
    }

    @Test
    void whileGettokenFails_theTokenInHandIsUsedUpToItsStatedEnd_withBackoff_andOneClearWarning() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(client().refreshExecutor(Runnable::run).retryPolicy(RetryPolicy.none()));
        client.login(CODE);
        AccessToken held = AccessToken.of("x", clock.instant(), clock.instant().plusSeconds(7200));
        wecom.failEveryGettoken(-1);
        LogCapture.clear();
        wecom.resetCounts();

        clock.advance(Duration.ofSeconds(7150)); // within the expiry margin: a refresh is due and fails
        for (int i = 0; i < 20; i++) {
            assertEquals(USER_ID, client.login(CODE).userId());
        }
        assertEquals(1, wecom.gettokenCalls(), "failed refreshes back off instead of running back to back");
        List<LogCapture.Event> warnings = LogCapture.events().stream()
                .filter(e -> e.level() == Level.WARN && e.logger().startsWith("io.github.wecomkit")).toList();
        assertEquals(1, warnings.size(), LogCapture::allText);
        assertTrue(warnings.get(0).text().contains("stays in use until " + held.expiresAt()),
                warnings.get(0).text());

        clock.advance(Duration.ofSeconds(2));
        client.login(CODE); // backoff over: one more attempt, still served
        assertEquals(2, wecom.gettokenCalls());
        TokenStatus status = client.tokenStatus();
        assertEquals(TokenStatus.State.EXPIRED, status.state());
        assertTrue(status.lastFailure().isPresent());

        clock.advance(Duration.ofSeconds(60)); // past WeCom's stated end: no token left to serve
        assertThrows(SystemBusyException.class, () -> client.login(CODE));

        wecom.clearGettokenFailures();
        clock.advance(Duration.ofSeconds(61));
        assertEquals(USER_ID, client.login(CODE).userId());
        assertEquals("FRESH", client.tokenState());
        assertTrue(client.tokenStatus().lastFailure().isEmpty());
        assertEquals(1, LogCapture.events().stream()
                .filter(e -> e.level() == Level.INFO && e.text().contains("succeeded again")).count());
    }

    @Test
    void margins_forAShortLivedToken_scaleDownSoItIsServedMostOfItsLife() {
        start(Behaviour.SAME_WITHIN_VALIDITY).expiresIn(10);
        WeComClient client = build(client().refreshExecutor(new ManualExecutor()));
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
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(client().tokenRefreshAhead(Duration.ofMinutes(20)).tokenExpiryMargin(Duration.ZERO)
                .refreshExecutor(new ManualExecutor()));
        client.login(CODE);

        clock.advance(Duration.ofSeconds(7200 - 1200 - 1));
        assertEquals("FRESH", client.tokenState());
        clock.advance(Duration.ofSeconds(2));
        assertEquals("STALE", client.tokenState());
    }

    // ---- configuration failures --------------------------------------------------------------------------------

    @Test
    void gettoken_withAWrongSecret_failsFastAndDoesNotLoop_andItsMessagePrintsOnce() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(client().secret("wrong-secret"));

        InvalidCredentialException first = assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        InvalidCredentialException second = assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        assertThrows(InvalidCredentialException.class, () -> client.getUser(USER_ID));

        assertEquals(1, wecom.gettokenCalls(), "within the cooldown the failure is answered from memory");
        assertEquals(null, first.getCause(), "no copy of itself as its cause");
        assertEquals(null, second.getCause());
        assertEquals(first.getMessage(), second.getMessage());
        clock.advance(Duration.ofSeconds(11));
        assertThrows(InvalidCredentialException.class, () -> client.login(CODE));
        assertEquals(2, wecom.gettokenCalls());
        assertEquals(List.of(), wecom.tokensUsed());
    }

    // ---- bounded waits -----------------------------------------------------------------------------------------

    /** A tiny retry budget, so the derived lease (budget + 2 s) and every wait bound are short. */
    private WeComClient.Builder quick() {
        return client().retryPolicy(RetryPolicy.builder().maxRetries(0).maxElapsed(Duration.ZERO).build())
                .connectTimeout(Duration.ofMillis(200)).requestTimeout(Duration.ofMillis(300));
    }

    @Test
    void aCallerWaitingOnARefreshTheExecutorDropped_takesItOverWithinItsBound() throws Exception {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(quick().refreshExecutor(task -> { })); // silently drops every task
        client.login(CODE);
        clock.advance(Duration.ofSeconds(6841));
        client.login(CODE); // stale: a background refresh is "scheduled" and never runs
        clock.advance(Duration.ofSeconds(300)); // expired: callers must wait for that refresh

        long start = System.nanoTime();
        assertEquals(USER_ID, CompletableFuture.supplyAsync(() -> client.login(CODE)).get(20, TimeUnit.SECONDS)
                .userId());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(2, wecom.gettokenCalls());
        assertTrue(millis < 15_000, "returned within its bound (lease 2.5 s), not hung: " + millis + " ms");
    }

    @Test
    void aRefreshTheExecutorRejects_isTakenOverByTheNextCaller() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        WeComClient client = build(client().refreshExecutor(task -> {
            throw new RejectedExecutionException("shut down");
        }));
        client.login(CODE);
        clock.advance(Duration.ofSeconds(6841));
        client.login(CODE); // stale: background refresh rejected, token still served
        clock.advance(Duration.ofSeconds(300));

        assertEquals(USER_ID, client.login(CODE).userId());
        assertEquals(2, wecom.gettokenCalls());
    }

    @Test
    void anInterruptedLeader_failsOnlyItself_andAWaiterTakesTheRefreshOver() throws Exception {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        wecom.failGettoken(1, -1); // the leader's first gettoken: busy, so it backs off (interruptibly)
        CountDownLatch backingOff = new CountDownLatch(1);
        WeComClient client = build(client().retryPolicy(RetryPolicy.defaults()).sleeper(d -> {
            if (backingOff.getCount() > 0) {
                backingOff.countDown();
                new CountDownLatch(1).await(); // until interrupted
            }
        }));
        AtomicReference<Throwable> leaderFailure = new AtomicReference<>();
        Thread leader = new Thread(() -> {
            try {
                client.login(CODE);
            } catch (Throwable t) {
                leaderFailure.set(t);
            }
        });
        leader.start();
        assertTrue(backingOff.await(10, TimeUnit.SECONDS));
        CompletableFuture<LoginSession> waiter = CompletableFuture.supplyAsync(() -> client.login(CODE));

        leader.interrupt();
        leader.join(10_000);

        assertInstanceOf(WeComInterruptedException.class, leaderFailure.get());
        assertEquals(USER_ID, waiter.get(20, TimeUnit.SECONDS).userId());
        assertEquals(2, wecom.gettokenCalls(), "the busy answer, then the waiter's own fetch");
    }

    @Test
    void leaseHolderThatNeverReturns_othersFetchAfterTheDerivedLeaseRunsOut() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        TokenStore shared = new InMemoryTokenStore(); // real time: the lease must run out for real
        Optional<RefreshLease> stuck = shared.tryAcquireLease(keyOf(), Duration.ofMillis(300));
        assertTrue(stuck.isPresent());
        WeComClient client = build(quick().clock(java.time.Clock.systemUTC()).tokenStore(shared));

        assertEquals(USER_ID, client.login(CODE).userId());
        assertEquals(1, wecom.gettokenCalls());
    }

    @Test
    void theLease_outlastsOneGettokenWithAllItsRetries() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        RecordingStore store = new RecordingStore(new InMemoryTokenStore(clock));
        build(client().tokenStore(store)).login(CODE);

        // 10 s of retries, then one more connect (3 s) and request (10 s), plus 2 s of slack.
        assertEquals(List.of(Duration.ofSeconds(25)), store.leaseTimes);
    }

    // ---- the store --------------------------------------------------------------------------------------------

    @Test
    void storeFailure_degradesToInProcessTokensWithOneWarning_andRecovers() {
        start(Behaviour.NEW_EVERY_CALL);
        RecordingStore store = new RecordingStore(new InMemoryTokenStore(clock));
        store.down.set(true);
        WeComClient client = build(client().tokenStore(store).refreshExecutor(new ManualExecutor()));
        LogCapture.clear();

        for (int i = 0; i < 5; i++) {
            assertEquals(USER_ID, client.login(CODE).userId());
        }
        clock.advance(Duration.ofSeconds(7141)); // expired: a refresh that meets the dead store again
        assertEquals(USER_ID, client.login(CODE).userId());
        assertTrue(client.tokenStatus().storeDegraded());

        long warnings = LogCapture.events().stream()
                .filter(e -> e.level() == Level.WARN && e.text().contains("token store failed")).count();
        assertEquals(1, warnings, "one warning per outage, not per call");
        assertEquals(2, wecom.gettokenCalls());

        store.down.set(false);
        clock.advance(Duration.ofSeconds(7141));
        client.login(CODE);
        assertEquals(3, wecom.gettokenCalls());
        assertEquals(wecom.currentToken(), store.delegate.get(keyOf()).map(AccessToken::value).orElse(null),
                "back on the shared store");
        assertFalse(client.tokenStatus().storeDegraded());
        assertEquals(1, LogCapture.events().stream()
                .filter(e -> e.level() == Level.INFO && e.text().contains("reachable again")).count());
    }

    @Test
    void nearCache_whileTheTokenIsFresh_theStoreIsNotRead() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        RecordingStore store = new RecordingStore(new InMemoryTokenStore(clock));
        WeComClient client = build(client().tokenStore(store));

        for (int i = 0; i < 50; i++) {
            client.login(CODE);
        }

        assertEquals(2, store.gets, "one read before the lease, one under it; none per call");
    }

    // ---- close ------------------------------------------------------------------------------------------------

    @Test
    void close_stopsBackgroundRefreshes_andLaterCallsFailAtOnce_andClosingTwiceIsHarmless() {
        start(Behaviour.SAME_WITHIN_VALIDITY);
        ManualExecutor background = new ManualExecutor();
        WeComClient client = client().refreshExecutor(background).build();
        client.login(CODE);
        clock.advance(Duration.ofSeconds(6841));
        client.login(CODE);
        assertEquals(1, background.pending());

        client.close();
        background.runAll();
        client.close();

        assertEquals(1, wecom.gettokenCalls(), "the refresh scheduled before close never called WeCom");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.login(CODE));
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> client.getUser(USER_ID));
    }

    @Test
    void gettoken_whenWeComIsUnreachable_throwsTransportExceptionWithoutTheSecret() {
        WeComClient client = WeComClient.builder().corpId(CORP_ID).secret(SECRET)
                .baseUrl("http://127.0.0.1:" + closedPort()).retryPolicy(RetryPolicy.none()).build();
        closing.add(client);

        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.login(CODE));

        assertFalse(e.mayHaveReachedWeCom());
        assertFalse(e.getMessage().contains(SECRET));
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A store that can be switched off, and records reads and the lease times asked for. */
    static final class RecordingStore implements TokenStore {
        final TokenStore delegate;
        final AtomicBoolean down = new AtomicBoolean();
        final List<Duration> leaseTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile int gets;

        RecordingStore(TokenStore delegate) {
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
            leaseTimes.add(leaseTime);
            return delegate.tryAcquireLease(key, leaseTime);
        }
    }
}
