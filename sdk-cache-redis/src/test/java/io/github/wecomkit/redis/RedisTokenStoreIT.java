package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Store-level semantics against a real redis-server process. */
class RedisTokenStoreIT {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private static RedisServerProcess server;
    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> adminConnection;
    private static RedisCommands<String, String> redis;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private MutableClock clock;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
        adminClient = RedisClient.create(server.uri());
        adminConnection = adminClient.connect();
        redis = adminConnection.sync();
    }

    @AfterAll
    static void stopRedis() {
        adminConnection.close();
        adminClient.shutdown();
        server.close();
    }

    @BeforeEach
    void reset() {
        redis.flushall();
        redis.configResetstat();
        clock = new MutableClock(T0);
    }

    @AfterEach
    void closeAll() throws Exception {
        pool.shutdownNow();
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private RedisTokenStore store() {
        return store(RedisTokenStore.builder().redisUri(server.uri()));
    }

    /**
     * Tests about semantics get a 2 s command timeout: the shared build machine can stall a command past the
     * 300 ms default. The tests about failure keep the defaults.
     */
    private RedisTokenStore store(RedisTokenStore.Builder builder) {
        return defaults(builder.commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5)));
    }

    private RedisTokenStore defaults(RedisTokenStore.Builder builder) {
        RedisTokenStore store = builder.clock(clock).build();
        toClose.add(store);
        return store;
    }

    private static AccessToken token(String value, Instant issuedAt, Duration lifetime) {
        return AccessToken.of(value, issuedAt, issuedAt.plus(lifetime));
    }

    @Test
    void put_thenGetFromAnotherInstance_returnsSameToken() {
        AccessToken token = token("tok-A", T0, Duration.ofHours(2));
        store().put(KEY, token);

        assertEquals(Optional.of(token), store().get(KEY));
    }

    @Test
    void put_writesDocumentedLayoutUnderHashTaggedKey() {
        store().put(KEY, token("tok-A", T0, Duration.ofHours(2)));

        String expected = T0.toEpochMilli() + ":" + T0.plus(Duration.ofHours(2)).toEpochMilli() + ":tok-A";
        assertEquals(expected, redis.get("wecomkit:{" + KEY + "}"));
    }

    @Test
    void put_setsTtlEndingNoLaterThanTokenExpiry() {
        clock.advance(Duration.ofMinutes(30));
        store().put(KEY, token("tok-A", T0, Duration.ofHours(2)));

        long pttl = redis.pttl("wecomkit:{" + KEY + "}");
        assertTrue(pttl > 0 && pttl <= Duration.ofMinutes(90).toMillis(), "pttl=" + pttl);
    }

    @Test
    void put_tokenDisappearsFromRedisBeforeItsExpiry() {
        store().put(KEY, token("tok-short", T0, Duration.ofMillis(300)));
        long putAt = System.nanoTime();
        assertTrue(redis.exists("wecomkit:{" + KEY + "}") == 1);

        Eventually.await("token key expired", Duration.ofSeconds(5),
                () -> redis.exists("wecomkit:{" + KEY + "}") == 0);
        long goneAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - putAt);
        // Redis expires keys actively about every 100 ms; the PTTL check above pins the upper bound exactly.
        assertTrue(goneAfterMillis < 300 + 1000, "gone after " + goneAfterMillis + " ms");
    }

    @Test
    void put_tokenAlreadyExpiredByClock_isNotStored() {
        clock.advance(Duration.ofHours(3));
        store().put(KEY, token("tok-old", T0, Duration.ofHours(2)));

        assertEquals(0, redis.exists("wecomkit:{" + KEY + "}"));
    }

    @Test
    void get_tokenPastExpiryByClock_isEmptyEvenIfRedisStillHoldsIt() {
        RedisTokenStore store = store();
        store.put(KEY, token("tok-A", T0, Duration.ofHours(2)));
        clock.advance(Duration.ofHours(2));

        assertEquals(Optional.empty(), store.get(KEY));
    }

    @Test
    void get_foreignValueUnderKey_readsAsNoToken() {
        redis.set("wecomkit:{" + KEY + "}", "\"json-quoted-by-someone-else\"");

        assertEquals(Optional.empty(), store().get(KEY));
    }

    @Test
    void keyPrefix_isApplied() {
        store(RedisTokenStore.builder().redisUri(server.uri()).keyPrefix("app1:"))
                .put(KEY, token("tok-A", T0, Duration.ofHours(2)));

        assertEquals(1, redis.exists("app1:{" + KEY + "}"));
        assertEquals(0, redis.exists("wecomkit:{" + KEY + "}"));
    }

    @Test
    void invalidate_whenStoredValueMatches_removesIt() {
        RedisTokenStore store = store();
        store.put(KEY, token("tok-A", T0, Duration.ofHours(2)));

        assertTrue(store.invalidate(KEY, "tok-A"));
        assertEquals(Optional.empty(), store.get(KEY));
    }

    @Test
    void invalidate_whenSomeoneStoredANewerToken_keepsTheNewer() {
        RedisTokenStore store = store();
        store.put(KEY, token("tok-B", T0, Duration.ofHours(2)));

        assertFalse(store.invalidate(KEY, "tok-A"));
        assertEquals("tok-B", store.get(KEY).orElseThrow().value());
    }

    @Test
    void invalidate_tokenContainingColons_comparesWholeValue() {
        RedisTokenStore store = store();
        store.put(KEY, token("a:b:c", T0, Duration.ofHours(2)));

        assertFalse(store.invalidate(KEY, "c"));
        assertFalse(store.invalidate(KEY, "b:c"));
        assertTrue(store.invalidate(KEY, "a:b:c"));
    }

    @Test
    void invalidate_racingAPutOfTheNewToken_neverRemovesTheNewToken() throws Exception {
        List<RedisTokenStore> stores = List.of(store(), store(), store(), store());
        for (int round = 0; round < 30; round++) {
            String old = "old-" + round;
            String fresh = "new-" + round;
            stores.get(0).put(KEY, token(old, T0, Duration.ofHours(2)));
            CyclicBarrier start = new CyclicBarrier(9);
            AtomicInteger removed = new AtomicInteger();
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RedisTokenStore s = stores.get(i % 4);
                tasks.add(pool.submit(() -> {
                    start.await();
                    if (s.invalidate(KEY, old)) {
                        removed.incrementAndGet();
                    }
                    return null;
                }));
            }
            tasks.add(pool.submit(() -> {
                start.await();
                stores.get(1).put(KEY, token(fresh, T0, Duration.ofHours(2)));
                return null;
            }));
            for (Future<?> t : tasks) {
                t.get(10, TimeUnit.SECONDS);
            }

            assertTrue(removed.get() <= 1, "round " + round + ": removed " + removed.get() + " times");
            assertEquals(fresh, stores.get(2).get(KEY).orElseThrow().value(), "round " + round);
        }
    }

    @Test
    void tryAcquireLease_acrossInstances_exactlyOneWins() throws Exception {
        List<RedisTokenStore> stores = List.of(store(), store(), store(), store());
        CyclicBarrier start = new CyclicBarrier(32);
        List<Future<Optional<RefreshLease>>> attempts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            RedisTokenStore s = stores.get(i % 4);
            attempts.add(pool.submit(() -> {
                start.await();
                return s.tryAcquireLease(KEY, Duration.ofSeconds(10));
            }));
        }
        int winners = 0;
        for (Future<Optional<RefreshLease>> a : attempts) {
            if (a.get(10, TimeUnit.SECONDS).isPresent()) {
                winners++;
            }
        }

        assertEquals(1, winners);
        long pttl = redis.pttl("wecomkit:{" + KEY + "}:lease");
        assertTrue(pttl > 0 && pttl <= 10_000, "lease pttl=" + pttl);
    }

    @Test
    void lease_afterClose_canBeTakenByAnother() {
        RedisTokenStore a = store();
        RedisTokenStore b = store();
        RefreshLease lease = a.tryAcquireLease(KEY, Duration.ofSeconds(10)).orElseThrow();
        assertTrue(b.tryAcquireLease(KEY, Duration.ofSeconds(10)).isEmpty());

        lease.close();

        assertTrue(b.tryAcquireLease(KEY, Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void lease_whoseHolderNeverReleases_expiresByItself() {
        RedisTokenStore a = store();
        RedisTokenStore b = store();
        a.tryAcquireLease(KEY, Duration.ofMillis(200)).orElseThrow();

        Eventually.await("lease taken over", Duration.ofSeconds(5),
                () -> b.tryAcquireLease(KEY, Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void lease_closedAfterItExpiredAndWasTakenOver_leavesTheNewHolderAlone() {
        RedisTokenStore a = store();
        RedisTokenStore b = store();
        RefreshLease stale = a.tryAcquireLease(KEY, Duration.ofMillis(100)).orElseThrow();
        Eventually.await("lease taken over", Duration.ofSeconds(5),
                () -> b.tryAcquireLease(KEY, Duration.ofSeconds(10)).isPresent());
        String holder = redis.get("wecomkit:{" + KEY + "}:lease");

        stale.close();

        assertEquals(holder, redis.get("wecomkit:{" + KEY + "}:lease"));
        assertTrue(a.tryAcquireLease(KEY, Duration.ofSeconds(10)).isEmpty());
    }

    @Test
    void tryAcquireLease_lastsTheLeaseTimeTheClientAsksFor() {
        // The client derives the lease from its retry budget (about 23 s by default); the store takes it as is.
        store().tryAcquireLease(KEY, Duration.ofSeconds(23)).orElseThrow();

        long pttl = redis.pttl("wecomkit:{" + KEY + "}:lease");
        assertTrue(pttl > 20_000 && pttl <= 23_000, "lease pttl=" + pttl);
    }

    // ---- the fenced put: a put never replaces a token that expires later --------------------------------------

    @Test
    void put_earlierExpiringToken_doesNotReplaceALaterOne() {
        RedisTokenStore store = store();
        AccessToken later = token("tok-later", T0.plusSeconds(60), Duration.ofHours(2));
        store.put(KEY, later);

        store().put(KEY, token("tok-earlier", T0, Duration.ofHours(2)));

        assertEquals(Optional.of(later), store.get(KEY));
        long pttl = redis.pttl("wecomkit:{" + KEY + "}");
        assertTrue(pttl > Duration.ofMinutes(120).toMillis(), "the TTL is still the later token's: " + pttl);
    }

    @Test
    void put_sameValueWithALaterExpiry_replaces_andItsTtlFollows() {
        // WeCom answers a repeated gettoken within validity with the same value and a restarted validity.
        RedisTokenStore store = store();
        store.put(KEY, token("tok-same", T0, Duration.ofHours(2)));
        AccessToken restarted = token("tok-same", T0.plusSeconds(3600), Duration.ofHours(2));

        store().put(KEY, restarted);

        assertEquals(Optional.of(restarted), store.get(KEY));
        long pttl = redis.pttl("wecomkit:{" + KEY + "}");
        assertTrue(pttl > Duration.ofMinutes(179).toMillis(), "TTL of the restarted validity: " + pttl);
    }

    @Test
    void put_sameValueWithAnEarlierExpiry_changesNothing_andAnnouncesNothing() throws Exception {
        RedisTokenStore store = store();
        AccessToken stored = token("tok-same", T0.plusSeconds(3600), Duration.ofHours(2));
        store.put(KEY, stored);
        try (StatefulRedisPubSubConnection<String, String> listener = adminClient.connectPubSub()) {
            List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            listener.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    heard.add(message);
                }
            });
            listener.sync().subscribe("wecomkit:{" + KEY + "}:stored");

            store().put(KEY, token("tok-same", T0, Duration.ofHours(2)));
            AccessToken newer = token("tok-same", T0.plusSeconds(7200), Duration.ofHours(2));
            store().put(KEY, newer);

            Eventually.await("the stored put announced", Duration.ofSeconds(5), () -> !heard.isEmpty());
            assertEquals(List.of(Long.toString(newer.expiresAt().toEpochMilli())), heard,
                    "only the put that stored is announced, with its expiry (never the token)");
        }
    }

    @Test
    void put_foreignValueUnderTheKey_isReplaced() {
        redis.set("wecomkit:{" + KEY + "}", "\"json-quoted-by-someone-else\"");
        AccessToken token = token("tok-A", T0, Duration.ofHours(2));

        store().put(KEY, token);

        assertEquals(Optional.of(token), store().get(KEY));
    }

    @Test
    void put_racingStoreInstances_theLatestExpiryAlwaysWins() throws Exception {
        // Late lease holders: every round, eight instances store tokens fetched at different moments, all at once.
        List<RedisTokenStore> stores = List.of(store(), store(), store(), store());
        for (int round = 0; round < 20; round++) {
            Instant fetchedAt = T0.plusSeconds(round * 100L);
            CyclicBarrier start = new CyclicBarrier(8);
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RedisTokenStore s = stores.get(i % 4);
                AccessToken t = token(i % 2 == 0 ? "tok-same" : "tok-" + round + "-" + i, fetchedAt.plusSeconds(i),
                        Duration.ofHours(2));
                puts.add(pool.submit(() -> {
                    start.await();
                    s.put(KEY, t);
                    return null;
                }));
            }
            for (Future<?> put : puts) {
                put.get(10, TimeUnit.SECONDS);
            }

            AccessToken winner = stores.get(0).get(KEY).orElseThrow();
            assertEquals(fetchedAt.plusSeconds(7).plus(Duration.ofHours(2)), winner.expiresAt(), "round " + round);
            assertEquals("tok-" + round + "-7", winner.value(), "round " + round);
        }
    }

    @Test
    void put_lateLeaseHolder_cannotOverwriteTheTokenOfTheInstanceThatTookOverItsLease() throws Exception {
        RedisTokenStore slow = store();
        RedisTokenStore next = store();
        // The slow instance takes the lease and calls gettoken; its lease runs out before WeCom answers.
        slow.tryAcquireLease(KEY, Duration.ofMillis(100)).orElseThrow();
        AccessToken slowToken = token("tok-slow", T0, Duration.ofHours(2));
        Eventually.await("lease ran out", Duration.ofSeconds(5),
                () -> next.tryAcquireLease(KEY, Duration.ofSeconds(30)).isPresent());
        // The next instance fetches later, so its token expires later; then the slow answer finally arrives.
        AccessToken nextToken = token("tok-next", T0.plusSeconds(5), Duration.ofHours(2));
        next.put(KEY, nextToken);

        slow.put(KEY, slowToken);

        assertEquals(Optional.of(nextToken), store().get(KEY));
    }

    @Test
    void awaitToken_isWokenByAnotherInstancesPut_notByPolling() throws Exception {
        // A one-minute poll interval: only the pub/sub notification can end the wait within the 5 s below.
        RedisTokenStore waiter = store(RedisTokenStore.builder().redisUri(server.uri())
                .pollInterval(Duration.ofMinutes(1)));
        RedisTokenStore winner = store();
        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(waiter, KEY, null, Duration.ofMinutes(1), pool);
        Eventually.await("waiter subscribed", Duration.ofSeconds(5),
                () -> redis.pubsubNumsub("wecomkit:{" + KEY + "}:stored").values().iterator().next() == 1);
        // Let the waiter finish its first read, so that the put below can only reach it as a notification.
        Eventually.await("waiter parked", Duration.ofSeconds(5), () -> redis.info("commandstats")
                .contains("cmdstat_get:calls=1,"));

        long putAt = System.nanoTime();
        winner.put(KEY, token("tok-W", T0, Duration.ofHours(2)));
        Optional<AccessToken> got = waited.get(5, TimeUnit.SECONDS);
        long wokeAfterMicros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - putAt);

        assertEquals("tok-W", got.orElseThrow().value());
        System.out.println("awaitToken woke " + wokeAfterMicros + " us after the put");
    }

    @Test
    void awaitToken_ignoresTheStaleValue_andReturnsTheNextOne() throws Exception {
        RedisTokenStore store = store();
        AccessToken old = token("tok-old", T0, Duration.ofHours(2));
        store.put(KEY, old);
        assertEquals(Optional.empty(), store.awaitToken(KEY, old.expiresAt(), Duration.ofMillis(100)));

        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(store, KEY, old.expiresAt(), Duration.ofMinutes(1), pool);
        store().put(KEY, token("tok-new", T0.plusSeconds(1), Duration.ofHours(2)));

        assertEquals("tok-new", waited.get(5, TimeUnit.SECONDS).orElseThrow().value());
    }

    @Test
    void awaitToken_nothingArrives_returnsEmptyAfterMaxWait() throws Exception {
        assertEquals(Optional.empty(), store().awaitToken(KEY, null, Duration.ofMillis(100)));
    }

    @Test
    void awaitToken_wakesOnALaterExpiry_evenWithTheSameValue() throws Exception {
        // A one-minute poll interval: only a notification can end the wait within the 5 s below.
        RedisTokenStore waiter = store(RedisTokenStore.builder().redisUri(server.uri())
                .pollInterval(Duration.ofMinutes(1)));
        AccessToken held = token("tok-same", T0, Duration.ofHours(2));
        waiter.put(KEY, held);
        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(waiter, KEY, held.expiresAt(), Duration.ofMinutes(1), pool);
        Eventually.await("waiter subscribed", Duration.ofSeconds(5),
                () -> redis.pubsubNumsub("wecomkit:{" + KEY + "}:stored").values().iterator().next() == 1);

        AccessToken restarted = token("tok-same", T0.plusSeconds(600), Duration.ofHours(2));
        store().put(KEY, restarted);

        assertEquals(restarted, waited.get(5, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void awaitToken_aTokenExpiringNoLaterThanTheOneHeld_doesNotEndTheWait() throws Exception {
        RedisTokenStore store = store();
        AccessToken held = token("tok-held", T0.plusSeconds(60), Duration.ofHours(2));
        store.put(KEY, token("tok-older", T0, Duration.ofHours(2)));

        assertEquals(Optional.empty(), store.awaitToken(KEY, held.expiresAt(), Duration.ofMillis(200)));
        store.put(KEY, held);
        assertEquals(Optional.empty(), store.awaitToken(KEY, held.expiresAt(), Duration.ofMillis(200)));
    }

    @Test
    void connecting_sendsOnlyTheCommandsTheStoreNeeds_noHelloOrClient() throws Exception {
        // Proxies such as Twemproxy close the connection on a command they do not know.
        RedisTokenStore store = store();
        store.get(KEY);
        store.awaitToken(KEY, null, Duration.ofMillis(50));

        String stats = redis.info("commandstats");
        assertFalse(stats.contains("cmdstat_hello") || stats.contains("cmdstat_client"), stats);
        assertTrue(stats.contains("cmdstat_eval:calls=1,"), "the Lua probe: " + stats);
        assertTrue(stats.contains("cmdstat_publish:calls=1,"), "the Pub/Sub probe: " + stats);
    }

    @Test
    void badKeys_areRejectedBeforeAnyCommand() {
        redis.configResetstat();
        RedisTokenStore store = store();

        assertThrows(IllegalArgumentException.class, () -> store.get("a{b}c"));
        assertThrows(IllegalArgumentException.class, () -> store.get(" "));
        assertThrows(NullPointerException.class, () -> store.get(null));
        assertThrows(IllegalArgumentException.class, () -> store.tryAcquireLease(KEY, Duration.ZERO));
        assertFalse(redis.info("commandstats").contains("cmdstat_get"));
    }

    @Test
    void redisDownAtStart_failsFast_thenWorksOnceRedisIsUp() {
        int port = RedisServerProcess.freePort();
        RedisTokenStore store = defaults(RedisTokenStore.builder().redisUri("redis://127.0.0.1:" + port));

        long start = System.nanoTime();
        RedisStoreException e = assertThrows(RedisStoreException.class, () -> store.get(KEY));
        long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Generous: a refused loopback connect takes about a millisecond; the command timeout is 300 ms.
        assertTrue(failedAfterMillis < 2_000, "failed after " + failedAfterMillis + " ms");
        assertTrue(e.retryable());

        try (RedisServerProcess ignored = RedisServerProcess.start(port)) {
            Eventually.await("store reconnects", Duration.ofSeconds(10), () -> succeeds(() -> store.get(KEY)));
            store.put(KEY, token("tok-late", T0, Duration.ofHours(2)));
            assertEquals("tok-late", store.get(KEY).orElseThrow().value());
        }
    }

    @Test
    void redisKilled_commandsFailFastWithoutTheToken_thenRecoverAfterRestart() {
        try (RedisServerProcess own = RedisServerProcess.start()) {
            RedisTokenStore store = defaults(RedisTokenStore.builder().redisUri(own.uri())
                    .connectTimeout(Duration.ofSeconds(5)));
            store.put(KEY, token("tok-very-secret-value", T0, Duration.ofHours(2)));

            own.kill();
            long start = System.nanoTime();
            RedisStoreException e = assertThrows(RedisStoreException.class,
                    () -> store.invalidate(KEY, "tok-very-secret-value"));
            long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(failedAfterMillis < 2_000, "failed after " + failedAfterMillis + " ms");
            assertFalse(String.valueOf(e.getMessage()).contains("tok-very-secret-value"), e.getMessage());
            assertThrows(RedisStoreException.class, () -> store.tryAcquireLease(KEY, Duration.ofSeconds(1)));

            own.restart();
            Eventually.await("store reconnects", Duration.ofSeconds(10), () -> succeeds(() -> store.get(KEY)));
            assertEquals(Optional.empty(), store.get(KEY), "restarted empty: persistence is off");
            store.put(KEY, token("tok-after", T0, Duration.ofHours(2)));
            assertEquals("tok-after", store.get(KEY).orElseThrow().value());
        }
    }

    @Test
    void closedStore_throws() {
        RedisTokenStore store = store();
        store.close();

        assertThrows(RedisStoreException.class, () -> store.get(KEY));
        assertNotNull(store.toString());
    }

    private static boolean succeeds(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RedisStoreException e) {
            return false;
        }
    }
}
