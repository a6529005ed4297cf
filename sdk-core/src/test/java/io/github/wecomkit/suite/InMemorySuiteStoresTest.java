package io.github.wecomkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-memory ticket and permanent-code stores follow the SPIs' rules. */
class InMemorySuiteStoresTest {
    private static final String SUITE = "wwsuite0000000001";
    private final MutableClock clock = MutableClock.startingAt("2026-11-21T08:00:00Z");
    private final Instant t0 = clock.instant();

    @Test
    void newestTicketWins_aLateOlderOneIsRefused_andAnotherSuiteIsKeptApart() {
        InMemorySuiteTicketStore store = new InMemorySuiteTicketStore(clock);
        assertTrue(store.offer(SuiteTicket.of(SUITE, "t1", t0)));
        assertTrue(store.offer(SuiteTicket.of(SUITE, "t2", t0.plusSeconds(600))));
        assertFalse(store.offer(SuiteTicket.of(SUITE, "t1", t0)));
        assertTrue(store.offer(SuiteTicket.of("wwsuite0000000002", "other", t0)));
        assertEquals("t2", store.newest(SUITE).orElseThrow().value());
        assertEquals("other", store.newest("wwsuite0000000002").orElseThrow().value());
    }

    @Test
    void ticketIsKeptForThirtyMinutesFromItsPush_andAnExpiredOneIsReplacedByAnyValidOne() {
        InMemorySuiteTicketStore store = new InMemorySuiteTicketStore(clock);
        store.offer(SuiteTicket.of(SUITE, "t1", t0));
        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertEquals("t1", store.newest(SUITE).orElseThrow().value());
        clock.advance(Duration.ofMillis(1));
        assertTrue(store.newest(SUITE).isEmpty());
        assertFalse(store.offer(SuiteTicket.of(SUITE, "stale", t0)), "already expired when offered");
        assertTrue(store.offer(SuiteTicket.of(SUITE, "t2", clock.instant())));
    }

    @Test
    void concurrentOffers_leaveTheNewest() throws Exception {
        InMemorySuiteTicketStore store = new InMemorySuiteTicketStore(clock);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CyclicBarrier barrier = new CyclicBarrier(16);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    barrier.await();
                    return store.offer(SuiteTicket.of(SUITE, "t" + n, t0.plusSeconds(n)));
                }));
            }
            for (Future<Boolean> f : results) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertTrue(results.get(15).get());
            assertEquals("t15", store.newest(SUITE).orElseThrow().value());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ticketsAndCodes_neverShowTheirValues() {
        SuiteTicket ticket = SuiteTicket.of(SUITE, "secret-ticket", t0);
        assertFalse(ticket.toString().contains("secret-ticket"));
        assertEquals(t0.plus(SuiteTicket.VALIDITY), ticket.expiresAt());
        InMemorySuiteTicketStore tickets = new InMemorySuiteTicketStore(clock);
        tickets.offer(ticket);
        assertFalse(tickets.toString().contains("secret-ticket"));
        InMemoryPermanentCodeStore codes = new InMemoryPermanentCodeStore();
        codes.put(SUITE, "wwcorp", "secret-code");
        assertFalse(codes.toString().contains("secret-code"));
        assertEquals("secret-code", codes.get(SUITE, "wwcorp").orElseThrow());
        assertTrue(codes.get("wwsuite0000000002", "wwcorp").isEmpty());
        assertTrue(codes.remove(SUITE, "wwcorp"));
        assertFalse(codes.remove(SUITE, "wwcorp"));
    }

    @Test
    void badInput_isRefusedNamingTheArgument_neverShowingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SuiteTicket.of(SUITE, "bad\nticket", t0));
        assertTrue(e.getMessage().startsWith("value"), e.getMessage());
        assertFalse(e.getMessage().contains("bad"));
        NullPointerException npe = assertThrows(NullPointerException.class, () -> SuiteTicket.of(SUITE, "t", null));
        assertEquals("pushedAt == null", npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InMemoryPermanentCodeStore().put(SUITE, " ", "c"));
    }
}
