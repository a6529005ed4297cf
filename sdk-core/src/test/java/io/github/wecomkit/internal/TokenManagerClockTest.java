package io.github.wecomkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Cooldowns and backoffs run on the monotonic ticker: a step of the wall clock neither lengthens nor ends them. */
class TokenManagerClockTest {
    private final MutableClock wall = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final AtomicLong ticker = new AtomicLong(1_000_000_000L);
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile int failWith;

    private TokenManager manager() {
        return new TokenManager(new TokenManager.Config("access_token:wwcorp:0123456789abcdef", "wwcorp",
                TokenKind.CORP, new InMemoryTokenStore(wall), () -> {
                    fetches.incrementAndGet();
                    if (failWith != 0) {
                        throw WeComErrorCode.toException(failWith, "scripted", "gettoken");
                    }
                    return AccessToken.of("tok-" + fetches.get(), wall.instant(), wall.instant().plusSeconds(7200));
                }, wall, ticker::get, Duration.ofMinutes(5), Duration.ofMinutes(1), Runnable::run,
                Duration.ofSeconds(23), Events.NONE));
    }

    private void tick(Duration d) {
        ticker.addAndGet(d.toNanos());
    }

    @Test
    void wrongSecretCooldown_isNotLengthenedByTheWallClockSteppingBack() {
        failWith = 40001;
        TokenManager tokens = manager();
        assertThrows(InvalidCredentialException.class, tokens::token);

        wall.advance(Duration.ofHours(-1)); // an NTP step back
        tick(Duration.ofSeconds(11));
        assertThrows(InvalidCredentialException.class, tokens::token);

        assertEquals(2, fetches.get(), "the 10 s cooldown ended on the ticker, whatever the wall clock did");
    }

    @Test
    void rateLimitCooldown_isNotEndedByTheWallClockSteppingForward() {
        failWith = 45009;
        TokenManager tokens = manager();
        assertThrows(RateLimitedException.class, tokens::token);

        wall.advance(Duration.ofHours(1));
        tick(Duration.ofSeconds(30));
        assertThrows(RateLimitedException.class, tokens::token);
        assertEquals(1, fetches.get(), "still within the 60 s cooldown on the ticker");

        tick(Duration.ofSeconds(31));
        failWith = 0;
        assertEquals("tok-2", tokens.token().value());
    }

    @Test
    void failureBackoff_runsOnTheTicker_andDoublesUpToItsCap() {
        failWith = -1;
        TokenManager tokens = manager();
        long previous = 0;
        for (int failure = 1; failure <= 8; failure++) {
            assertThrows(RuntimeException.class, tokens::token);
            assertEquals(failure, fetches.get());
            assertThrows(RuntimeException.class, tokens::token, "backing off: answered from memory");
            assertEquals(failure, fetches.get());
            long capMillis = Math.min(60_000, 1000L << (failure - 1));
            tick(Duration.ofMillis(capMillis)); // the jittered backoff is at most its cap
            previous = capMillis;
        }
        assertEquals(60_000, previous, "the backoff is capped at 60 s");
    }
}
