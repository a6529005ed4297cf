package io.github.wecomkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The non-blocking face of the token lifecycle: no caller thread waits; one refresh serves every future. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenManagerAsyncTest {
    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile int failWith;

    private TokenManager manager(Executor executor, Duration fetchBudget) {
        return new TokenManager(new TokenManager.Config("access_token:wwcorp:0123456789abcdef", "wwcorp",
                TokenKind.CORP, new InMemoryTokenStore(clock), () -> {
                    fetches.incrementAndGet();
                    if (failWith != 0) {
                        throw WeComErrorCode.toException(failWith, "scripted", "gettoken");
                    }
                    return AccessToken.of("tok-" + fetches.get(), clock.instant(), clock.instant().plusSeconds(7200));
                }, clock, () -> clock.millis() * 1_000_000L, Duration.ofMinutes(5), Duration.ofMinutes(1), executor,
                fetchBudget, Events.NONE));
    }

    @Test
    void coldStart_with1000AsyncCallers_returnsAtOnce_thenOneFetchCompletesEveryFuture() throws Exception {
        ManualExecutor executor = new ManualExecutor();
        TokenManager tokens = manager(executor, Duration.ofSeconds(23));
        List<CompletableFuture<AccessToken>> futures = new ArrayList<>();

        for (int i = 0; i < 1000; i++) {
            futures.add(tokens.tokenAsync()); // each returns without running anything on this thread
        }

        assertEquals(0, fetches.get(), "no caller thread fetched");
        assertTrue(futures.stream().noneMatch(CompletableFuture::isDone));
        assertEquals(1, executor.pending(), "exactly one refresh was handed to the executor");
        executor.runAll();
        Set<String> values = new HashSet<>();
        for (CompletableFuture<AccessToken> f : futures) {
            values.add(f.get(10, TimeUnit.SECONDS).value());
        }
        assertEquals(Set.of("tok-1"), values);
        assertEquals(1, fetches.get());
        assertTrue(tokens.tokenAsync().isDone(), "a token in hand completes at once");
    }

    @Test
    void aFailedFetch_failsTheFutureWithTheTypedException() {
        failWith = 40001;
        TokenManager tokens = manager(Runnable::run, Duration.ofSeconds(23));

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> tokens.tokenAsync().get(10, TimeUnit.SECONDS));

        assertInstanceOf(InvalidCredentialException.class, e.getCause());
        assertEquals(1, fetches.get());
        assertTrue(tokens.tokenAsync().isCompletedExceptionally(), "answered from the cooldown, no fetch");
        assertEquals(1, fetches.get());
    }

    @Test
    void aRefreshTheExecutorDrops_isTakenOverAfterTheWaitBound() throws Exception {
        TokenManager tokens = manager(task -> { }, Duration.ZERO); // lease = wait bound = 2 s

        AccessToken token = tokens.tokenAsync().get(30, TimeUnit.SECONDS);

        assertEquals("tok-1", token.value());
        assertEquals(1, fetches.get());
    }

    @Test
    void afterARejection_theFutureCompletesWithTheReplacement() throws Exception {
        TokenManager tokens = manager(Runnable::run, Duration.ofSeconds(23));
        AccessToken first = tokens.tokenAsync().get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(1));

        WeComApiException rejection = WeComErrorCode.toException(40014, "invalid access_token", "user/get");
        AccessToken next = tokens.tokenAfterRejectionAsync(first, rejection).get(10, TimeUnit.SECONDS);

        assertNotEquals(first.value(), next.value());
        assertEquals(2, fetches.get());
        assertFalse(tokens.tokenAsync().isCompletedExceptionally());
    }
}
