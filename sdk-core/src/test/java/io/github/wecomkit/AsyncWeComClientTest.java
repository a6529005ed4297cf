package io.github.wecomkit;

import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.error.ClientBusyException;
import io.github.wecomkit.error.TokenRejectedException;
import io.github.wecomkit.internal.AsyncExecutor;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.testing.CountingServer;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.testing.TokenServer;
import io.github.wecomkit.testing.TokenServer.Behaviour;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The async face's own guarantees, driven through executors the test runs by hand: no calling thread waits for a
 * token, one refresh serves every waiting future, failures are the typed exceptions themselves, a refused call is
 * a {@link ClientBusyException}, and a cancelled call is never sent again.
 */
@Timeout(60)
class AsyncWeComClientTest {
    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final ManualExecutor refreshes = new ManualExecutor();
    private final ManualExecutor calls = new ManualExecutor();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closed(T c) {
        closing.add(c);
        return c;
    }

    private WeComClient.Builder client(String baseUrl) {
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(baseUrl).clock(clock)
                .sleeper(sleeps::add);
    }

    /** Runs both manual executors until {@code future} is done; fails if it stalls with nothing to run. */
    private void drive(CompletableFuture<?> future) {
        while (!future.isDone()) {
            assertTrue(refreshes.runAll() + calls.runAll() > 0, "the call stalled with nothing left to run");
        }
    }

    private static Throwable failureSeenByAHandler(CompletableFuture<?> future) {
        Throwable seen = future.handle((r, e) -> e).join();
        assertFalse(seen instanceof CompletionException, "the typed exception itself, not a wrapper");
        return seen;
    }

    @Test
    void coldStart_with1000AsyncLogins_fetchesOneToken_andNoThreadWaitsForIt() throws Exception {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(refreshes).asyncExecutor(calls)
                .build());
        List<CompletableFuture<LoginSession>> logins = new ArrayList<>();

        for (int i = 0; i < 1000; i++) {
            logins.add(client.async().login(CODE + i)); // each returns at once; this thread sends nothing
        }

        assertTrue(logins.stream().noneMatch(CompletableFuture::isDone));
        assertEquals(0, wecom.gettokenCalls(), "no caller thread fetched the token");
        assertEquals(1, refreshes.pending(), "one refresh, handed to the refresh executor");
        assertEquals(0, calls.pending(), "no login is queued before its token exists");

        assertEquals(1, refreshes.runAll());
        assertEquals(1, wecom.gettokenCalls());
        assertEquals(1000, calls.pending(), "the token's arrival queued every login on the async executor");
        assertTrue(logins.stream().noneMatch(CompletableFuture::isDone));

        assertEquals(1000, calls.runAll());
        for (CompletableFuture<LoginSession> login : logins) {
            assertTrue(login.isDone());
            assertEquals(USER_ID, login.get().userId());
        }
        assertEquals(1, wecom.gettokenCalls(), "exactly one gettoken for the whole cold start");
        assertEquals(1000, wecom.tokensUsed().size());
        assertEquals(0, refreshes.pending());
    }

    @Test
    void withATokenInHand_theCallIsHandedToTheAsyncExecutor_notRunOnTheCaller() throws Exception {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(refreshes).asyncExecutor(calls)
                .build());
        drive(client.async().getUser(USER_ID));

        CompletableFuture<Member> member = client.async().getUser(USER_ID);

        assertFalse(member.isDone());
        assertEquals(0, refreshes.pending());
        assertEquals(1, calls.pending());
        calls.runAll();
        assertEquals("张三", member.get().name());
    }

    @Test
    void aRevokedToken_isReplacedByOneRefresh_andTheCallIsMadeOnceMore_withoutAThreadWaiting() throws Exception {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.NEW_EVERY_CALL));
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(refreshes).asyncExecutor(calls)
                .build());
        drive(client.async().getUser(USER_ID));
        String first = wecom.currentToken();
        wecom.revoke(first);
        clock.advance(Duration.ofSeconds(1));

        CompletableFuture<Member> member = client.async().getUser(USER_ID);
        drive(member);

        assertEquals("张三", member.get().name());
        assertEquals(2, wecom.gettokenCalls());
        List<String> used = wecom.tokensUsed();
        assertEquals(List.of(first, first, wecom.currentToken()), used);
    }

    @Test
    void aReplacementTokenRejectedToo_failsWithTokenRejected_itself() {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.NEW_EVERY_CALL));
        wecom.refuseTokensAt("miniprogram/jscode2session", true);
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(Runnable::run)
                .asyncExecutor(Runnable::run).build());

        CompletableFuture<LoginSession> login = client.async().login(CODE);

        ExecutionException e = assertThrows(ExecutionException.class, () -> login.get(30, TimeUnit.SECONDS));
        assertInstanceOf(TokenRejectedException.class, e.getCause());
        assertInstanceOf(TokenRejectedException.class, failureSeenByAHandler(login));
        assertEquals(2, wecom.gettokenCalls());
        assertEquals(2, wecom.tokensUsed().size(), "the call was made once more, and no more");
    }

    @Test
    void anExecutorThatRefuses_failsTheCallWithClientBusy_andNothingIsSent() {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(Runnable::run)
                .asyncExecutor(task -> {
                    throw new RejectedExecutionException("full");
                }).build());

        CompletableFuture<LoginSession> login = client.async().login(CODE);

        ClientBusyException e = assertInstanceOf(ClientBusyException.class, failureSeenByAHandler(login));
        assertTrue(e.retryable());
        assertFalse(e.getMessage().contains(CODE));
        assertEquals(List.of(), wecom.tokensUsed(), "no jscode2session was sent");
    }

    @Test
    void theBoundedPool_whenItsQueueIsFull_failsFurtherCallsWithClientBusy() throws Exception {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        ThreadPoolExecutor pool = AsyncExecutor.newBoundedPool(1, 1);
        closing.add(pool::shutdownNow);
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(Runnable::run).asyncExecutor(pool)
                .build());
        client.getUser(USER_ID); // the token in hand
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            busy.countDown();
            await(release);
        });
        assertTrue(busy.await(30, TimeUnit.SECONDS));
        CompletableFuture<Member> queued = client.async().getUser(USER_ID);

        CompletableFuture<Member> refused = client.async().getUser(USER_ID);

        assertInstanceOf(ClientBusyException.class, failureSeenByAHandler(refused));
        release.countDown();
        assertEquals(USER_ID, queued.get(30, TimeUnit.SECONDS).userId());
        assertEquals(2, wecom.tokensUsed().size(), "the blocking call and the queued one; not the refused one");
    }

    @Test
    void cancelledWhileWaitingForTheToken_isNeverSent() {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(refreshes).asyncExecutor(calls)
                .build());
        CompletableFuture<LoginSession> login = client.async().login(CODE);

        assertTrue(login.cancel(false));
        refreshes.runAll();

        assertEquals(1, wecom.gettokenCalls());
        assertEquals(0, calls.pending(), "the cancelled login was never handed to the executor");
        assertEquals(List.of(), wecom.tokensUsed());
    }

    @Test
    void cancelledDuringTheBackoff_isNotRetried() {
        TokenServer wecom = closed(TokenServer.start(clock, Behaviour.SAME_WITHIN_VALIDITY));
        wecom.rejectNext("miniprogram/jscode2session", 3, -1); // busy: normally retried
        AtomicReference<CompletableFuture<LoginSession>> login = new AtomicReference<>();
        WeComClient client = closed(client(wecom.baseUrl()).refreshExecutor(refreshes).asyncExecutor(calls)
                .sleeper(wait -> {
                    sleeps.add(wait);
                    login.get().cancel(false); // the caller gives up while the client waits to retry
                }).build());
        login.set(client.async().login(CODE));

        refreshes.runAll();
        calls.runAll();

        assertTrue(login.get().isCancelled());
        assertEquals(1, sleeps.size());
        assertEquals(1, wecom.tokensUsed().size(), "the code was sent once, never again after the cancel");
    }

    @Test
    void cancelledWhileTheRequestIsOnTheWire_isNotInterrupted_andNotRetried() throws Exception {
        CountingServer wecom = closed(CountingServer.start());
        wecom.answer("user/get", Payloads.error(-1, "system busy")); // would be retried
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        store.put("access_token:" + CORP_ID + ":" + Inputs.shortHash(SECRET),
                AccessToken.of(Payloads.TOKEN_1, clock.instant(), clock.instant().plus(Duration.ofHours(2))));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        closing.add(thread::shutdownNow);
        AtomicBoolean interrupted = new AtomicBoolean();
        Executor recording = task -> thread.execute(() -> {
            task.run();
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        WeComClient client = closed(client(wecom.baseUrl()).tokenStore(store).refreshExecutor(Runnable::run)
                .asyncExecutor(recording).build());
        wecom.hold();
        CompletableFuture<Member> member = client.async().getUser(USER_ID);
        assertTrue(wecom.awaitHeld(1, Duration.ofSeconds(30)));

        assertTrue(member.cancel(true));
        wecom.release();
        thread.shutdown();
        assertTrue(thread.awaitTermination(30, TimeUnit.SECONDS));

        assertTrue(member.isCancelled());
        assertFalse(interrupted.get(), "cancel(true) does not interrupt the request in progress");
        assertEquals(1, wecom.answered("user/get"), "the request in progress ran to its answer");
        assertEquals(1, wecom.requests("user/get"), "and was not retried");
        assertEquals(List.of(), sleeps, "no retry was even scheduled");
    }

    @Test
    void toString_namesTheExecutor_andNeverTheSecret() {
        WeComClient client = closed(client("http://127.0.0.1:9").build());

        String text = client.async().toString();

        assertFalse(text.contains(SECRET));
        assertTrue(text.contains(CORP_ID), text);
        assertTrue(text.contains(AsyncExecutor.virtualThreadsAvailable() ? "virtual threads"
                : WeComClient.DEFAULT_MAX_CONNECTIONS + " platform threads"), text);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
