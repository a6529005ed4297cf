package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.TokenRejectedException;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.FakeWeCom.TokenBehaviour;
import io.github.wecomkit.token.AccessToken;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.event.Level;

/**
 * The real {@link WeComClient} on a real redis-server, several clients standing in for several instances of one
 * service (each with its own store and Redis connections), against the testkit's FakeWeCom, which follows WeCom's
 * token rules. The counts that matter are checked under both of WeCom's possible answers to a repeated gettoken:
 * the same token with its validity restarted (the documented rule) and a new token every time. Speed is measured
 * in the benchmarks, not here.
 */
class WeComClientOnRedisIT {
    private static final String CORP = "wwfleet0000000001";
    private static final String USER = "zhangsan";
    private static final int CLIENTS = 4;
    private static final int THREADS_PER_CLIENT = 16;
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private static RedisServerProcess server;
    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> adminConnection;
    private static RedisCommands<String, String> redis;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(CLIENTS * THREADS_PER_CLIENT + 8);
    private static final AtomicInteger SECRETS = new AtomicInteger();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private FakeWeCom wecom;
    private String secret;

    @BeforeAll
    static void start() {
        server = RedisServerProcess.start();
        adminClient = RedisClient.create(server.uri());
        adminConnection = adminClient.connect();
        redis = adminConnection.sync();
    }

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
        adminConnection.close();
        adminClient.shutdown();
        server.close();
    }

    @BeforeEach
    void reset() {
        redis.flushall();
        redis.configResetstat();
        LogCapture.clear();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        String logs = LogCapture.allText();
        if (wecom != null) {
            for (String token : wecom.liveTokens(CORP)) {
                assertFalse(logs.contains(token), "an access token was logged");
            }
        }
        assertFalse(logs.contains(secret), "the secret was logged");
    }

    /** A fake WeCom (its tokens living {@code lifetime}) with one corp, one member, and a new secret per test. */
    private FakeWeCom wecom(TokenBehaviour behaviour, Duration lifetime) {
        wecom = FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).tokenBehaviour(behaviour)
                .tokenLifetime(lifetime).start();
        closing.add(wecom);
        secret = "fleet-secret-" + SECRETS.incrementAndGet() + "-0123456789abcdefghijklmnopqrstuvwxyz";
        wecom.addCorp(CORP, secret).addMember(USER, "张三");
        return wecom;
    }

    /** The documented key: corp id and the first 16 hex characters of the secret's SHA-256. */
    private String key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "access_token:" + CORP + ":" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A store with a 2 s command timeout instead of the default 300 ms: these tests count gettoken calls exactly,
     * and on a starved build machine a 300 ms timeout would (rightly) degrade a client to a gettoken of its own.
     */
    private RedisTokenStore newStore() {
        RedisTokenStore store = RedisTokenStore.builder().redisUri(server.uri()).clock(wecom.clock())
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5)).build();
        closing.add(store);
        return store;
    }

    private WeComClient.Builder instanceBuilder(RedisTokenStore store) {
        return WeComClient.builder().corpId(CORP).secret(secret).baseUrl(wecom.baseUrl()).tokenStore(store)
                .clock(wecom.clock()).retryPolicy(RetryPolicy.none());
    }

    private WeComClient build(WeComClient.Builder b) {
        WeComClient c = b.build();
        closing.add(c);
        return c;
    }

    /** One instance of the service each: its own store (own Redis connections) and its own client. */
    private List<WeComClient> fleet() {
        List<WeComClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(build(instanceBuilder(newStore())));
        }
        return clients;
    }

    private int gettokenCalls() {
        return wecom.calls(FakeApi.GET_TOKEN);
    }

    private AccessToken storedToken() {
        return StoredToken.decode(redis.get("wecomkit:{" + key() + "}")).orElseThrow();
    }

    /** Runs {@code threadsPerClient} logins per client at once from one barrier; returns ms to the last answer. */
    private long loginAllAtOnce(List<WeComClient> clients, int threadsPerClient) throws Exception {
        int parties = clients.size() * threadsPerClient;
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            codes.add(wecom.issueCode(CORP, USER)); // single-use, as from wx.qy.login
        }
        long[] start = new long[1];
        CyclicBarrier barrier = new CyclicBarrier(parties, () -> start[0] = System.nanoTime());
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            WeComClient client = clients.get(i % clients.size());
            String code = codes.get(i);
            done.add(POOL.submit(() -> {
                barrier.await();
                assertEquals(USER, client.login(code).userId());
                return System.nanoTime();
            }));
        }
        long last = 0;
        for (Future<Long> f : done) {
            last = Math.max(last, f.get(60, TimeUnit.SECONDS));
        }
        return TimeUnit.NANOSECONDS.toMillis(last - start[0]);
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void coldFleet_64ConcurrentLogins_callGettokenOnce_andShareTheStoredToken(TokenBehaviour behaviour)
            throws Exception {
        wecom(behaviour, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        wecom.delayNext(FakeApi.GET_TOKEN, 10, Duration.ofMillis(50)); // a slow gettoken widens the race
        List<WeComClient> clients = fleet();

        long millis = loginAllAtOnce(clients, THREADS_PER_CLIENT);

        assertEquals(1, gettokenCalls(), "gettoken calls across the fleet");
        assertEquals(List.of(storedToken().value()), wecom.liveTokens(CORP), "one token in existence, in Redis");
        System.out.println("cold fleet (" + behaviour + "): " + CLIENTS + " clients x " + THREADS_PER_CLIENT
                + " threads: all logins done after " + millis + " ms (timing only reported; see benchmarks)");
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void fleetRefreshes_costOneGettokenPerRefresh_overSeveralLifetimesOfAShortToken(TokenBehaviour behaviour)
            throws Exception {
        // A 20 s token: expiry margin 2 s, refresh-ahead 5 s, so it turns stale 13 s after each fetch.
        wecom(behaviour, Duration.ofSeconds(20));
        List<WeComClient> clients = fleet();
        loginAllAtOnce(clients, 1);
        assertEquals(1, gettokenCalls());

        for (int round = 1; round <= 5; round++) {
            wecom.advance(Duration.ofSeconds(14)); // stale everywhere: every instance wants a refresh
            loginAllAtOnce(clients, THREADS_PER_CLIENT);
            // Background refreshes finish on their own threads; wait for the fleet to settle on one new token.
            int expected = 1 + round;
            assertTrue(wecom.awaitCalls(FakeApi.GET_TOKEN, expected, Duration.ofSeconds(20)));
            Instant stored = awaitStoredExpiryAfter(wecom.clock().instant().plusSeconds(19));
            loginAllAtOnce(clients, THREADS_PER_CLIENT);
            assertEquals(expected, gettokenCalls(), "round " + round + ": one gettoken for the whole fleet");
            assertEquals(stored, storedToken().expiresAt());
        }
    }

    private Instant awaitStoredExpiryAfter(Instant bound) {
        AtomicReference<Instant> seen = new AtomicReference<>();
        Eventually.await("a refreshed token in Redis", Duration.ofSeconds(20), () -> {
            String raw = redis.get("wecomkit:{" + key() + "}");
            Instant e = raw == null ? null : StoredToken.decode(raw).map(AccessToken::expiresAt).orElse(null);
            seen.set(e);
            return e != null && !e.isBefore(bound);
        });
        return seen.get();
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void allClientsGet40014ForTheSameToken_exactlyOneRefreshAcrossTheFleet(TokenBehaviour behaviour)
            throws Exception {
        wecom(behaviour, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        List<WeComClient> clients = fleet();
        loginAllAtOnce(clients, 1);
        String rejected = storedToken().value();
        assertTrue(wecom.revokeToken(rejected)); // WeCom revokes it before its expiry
        wecom.advance(Duration.ofSeconds(1));

        loginAllAtOnce(clients, THREADS_PER_CLIENT);

        assertEquals(2, gettokenCalls(), "the first token and exactly one refresh");
        assertFalse(storedToken().value().equals(rejected));
        assertEquals(List.of(storedToken().value()), wecom.liveTokens(CORP));
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void tokensRejectedRightAfterTheyAreFetched_gettokenStaysBoundedAcrossTheFleet(TokenBehaviour behaviour)
            throws Exception {
        wecom(behaviour, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        wecom.corp(CORP).app().miniProgram(false); // the secret of an app that may not call jscode2session
        List<WeComClient> clients = fleet();
        AtomicInteger rejectedLogins = new AtomicInteger();

        for (int i = 0; i < 100; i++) {
            WeComClient client = clients.get(i % CLIENTS);
            String code = wecom.issueCode(CORP, USER);
            try {
                client.login(code);
            } catch (TokenRejectedException e) {
                rejectedLogins.incrementAndGet();
            }
        }

        assertEquals(100, rejectedLogins.get());
        assertTrue(gettokenCalls() <= 2 * CLIENTS, "at most a fetch and one refetch per instance, got "
                + gettokenCalls());
        System.out.println("persistent 40014 (" + behaviour + "): 100 failing logins on " + CLIENTS
                + " instances cost " + gettokenCalls() + " gettoken calls");
    }

    @Test
    void leaseHolderDiesMidRefresh_othersGetATokenWithinTheDerivedLeaseTime() throws Exception {
        wecom(TokenBehaviour.SAME_WITHIN_VALIDITY, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        // A tiny retry budget: the lease each client derives is the budget (0.5 s) plus 2 s of slack.
        List<WeComClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(build(instanceBuilder(newStore())
                    .retryPolicy(RetryPolicy.builder().maxRetries(0).maxElapsed(Duration.ZERO).build())
                    .connectTimeout(Duration.ofMillis(200)).requestTimeout(Duration.ofMillis(300))));
        }
        RedisTokenStore dead = newStore();
        Duration deadLease = Duration.ofSeconds(1);
        long leaseTakenNanos = System.nanoTime();
        // An instance took the lease and then died: it never fetches, stores or releases.
        assertTrue(dead.tryAcquireLease(key(), deadLease).isPresent());

        long millis = loginAllAtOnce(clients, 4);
        long sinceLeaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leaseTakenNanos);

        assertEquals(1, gettokenCalls(), "one of the survivors fetched, the others took its token");
        assertTrue(sinceLeaseMillis >= deadLease.toMillis(), "nobody fetched before the dead lease ended: "
                + sinceLeaseMillis + " ms");
        assertTrue(millis < 20_000, "bounded, not hung: " + millis + " ms");
    }

    @Test
    void redisKilledUnderSteadyLoad_noLoginFails_oneWarningPerClient_andTokensAreSharedAgainAfterRestart()
            throws Exception {
        // 20 s tokens: the clock jumps past a token's end without aging the 5-minute login codes in flight.
        wecom(TokenBehaviour.SAME_WITHIN_VALIDITY, Duration.ofSeconds(20));
        List<WeComClient> clients = fleet();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicIntegerArray logins = new AtomicIntegerArray(CLIENTS);
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        // Time jumps between logins, never during one: a real clock does not skip a token's lifetime mid-call.
        ReadWriteLock time = new ReentrantReadWriteLock();
        List<Future<?>> load = new ArrayList<>();
        for (int i = 0; i < CLIENTS * 2; i++) {
            int c = i % CLIENTS;
            load.add(POOL.submit(() -> {
                while (running.get()) {
                    time.readLock().lock();
                    try {
                        clients.get(c).login(wecom.issueCode(CORP, USER));
                        logins.incrementAndGet(c);
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    } finally {
                        time.readLock().unlock();
                    }
                }
            }));
        }
        Runnable jump = () -> {
            time.writeLock().lock();
            try {
                wecom.advance(Duration.ofSeconds(21));
            } finally {
                time.writeLock().unlock();
            }
        };
        try {
            awaitLoginsOnEveryClient(logins, 20);
            assertEquals(1, gettokenCalls(), "before the outage the fleet shares one token");

            server.kill();
            jump.run(); // every client must now refresh, with Redis gone
            awaitLoginsOnEveryClient(logins, 50);
            jump.run(); // and once more: still one warning per client, not per refresh
            awaitLoginsOnEveryClient(logins, 50);
            assertEquals(1 + 2 * CLIENTS, gettokenCalls(), "during the outage each client fetched once per expiry");

            server.restart();
            Eventually.await("stores reconnected", Duration.ofSeconds(10), this::storesAnswer);
            int before = gettokenCalls();
            jump.run();
            awaitLoginsOnEveryClient(logins, 50);
            assertEquals(before + 1, gettokenCalls(), "after the restart the fleet shares one token again");
        } finally {
            running.set(false);
            for (Future<?> f : load) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(0, failures.get(), () -> "failed logins, first: " + firstFailure.get());
        long warnings = LogCapture.events().stream()
                .filter(e -> e.level() == Level.WARN && e.logger().startsWith("io.github.wecomkit"))
                .count();
        assertEquals(CLIENTS, warnings, LogCapture::allText);
        System.out.println("Redis outage under load: " + sum(logins) + " logins, " + failures.get() + " failed, "
                + warnings + " warnings");
    }

    private boolean storesAnswer() {
        for (AutoCloseable c : closing) {
            if (c instanceof RedisTokenStore store) {
                try {
                    store.get(key());
                } catch (RedisStoreException e) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void storedToken_livesInRedisNoLongerThanTheToken() throws Exception {
        wecom(TokenBehaviour.SAME_WITHIN_VALIDITY, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        loginAllAtOnce(fleet(), 1);

        AccessToken stored = storedToken();
        long pttl = redis.pttl("wecomkit:{" + key() + "}");
        assertEquals(wecom.clock().instant().plusSeconds(7200), stored.expiresAt());
        assertTrue(pttl > 0 && pttl <= Duration.ofSeconds(7200).toMillis(), "pttl=" + pttl);
    }

    @Test
    void nearCache_redisIsReadAboutOncePerRefreshWindow_notPerLogin() throws Exception {
        wecom(TokenBehaviour.SAME_WITHIN_VALIDITY, FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        List<WeComClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            // Refreshes run on the calling thread, so that the refresh below is done when its login returns.
            clients.add(build(instanceBuilder(newStore()).refreshExecutor(Runnable::run)));
        }
        loginAllAtOnce(clients, 1);
        redis.configResetstat();

        loginAllAtOnce(clients, THREADS_PER_CLIENT);
        loginAllAtOnce(clients, THREADS_PER_CLIENT);
        assertEquals(0, redisCalls("get") + redisCalls("set") + redisCalls("eval"),
                "128 logins on a fresh token touch Redis not at all");

        // Into the refresh-ahead window (the token ends in 5.5 min): the first login on each client refreshes.
        // One client after the other, so that nobody waits on another's lease and the reads are exact.
        wecom.advance(Duration.ofHours(2).minusSeconds(330));
        for (WeComClient client : clients) {
            client.login(wecom.issueCode(CORP, USER));
        }
        loginAllAtOnce(clients, THREADS_PER_CLIENT);

        assertEquals(2, gettokenCalls(), "one gettoken for the first window, one for the second");
        long reads = redisCalls("get");
        // The refresher reads twice (before and under the lease), each other client once; Redis also counts
        // the GETs inside the fenced put script and the lease-release script.
        assertEquals(CLIENTS + 3, reads, "GETs for 132 logins across one refresh");
    }

    private static long redisCalls(String command) {
        Matcher m = Pattern.compile("cmdstat_" + command + ":calls=(\\d+),").matcher(redis.info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void awaitLoginsOnEveryClient(AtomicIntegerArray logins, int more) {
        int[] from = new int[logins.length()];
        for (int i = 0; i < from.length; i++) {
            from[i] = logins.get(i);
        }
        Eventually.await(more + " more logins on every client", Duration.ofSeconds(30), () -> {
            for (int i = 0; i < from.length; i++) {
                if (logins.get(i) < from[i] + more) {
                    return false;
                }
            }
            return true;
        });
    }

    private static long sum(AtomicIntegerArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }
}
