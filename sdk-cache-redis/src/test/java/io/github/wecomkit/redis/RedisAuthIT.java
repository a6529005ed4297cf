package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Passwords and ACL users against real servers: one with {@code requirepass}, one whose only users are ACL users
 * (the store's user has exactly the permissions docs/token-stores.md lists), and one without any password.
 * No password may appear in a log line, an exception message or a {@code toString()}.
 */
class RedisAuthIT {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final String REQUIREPASS = "rp-Secret-4kQ9zW";
    private static final String ACL_PASSWORD = "acl-Secret-7fG2xV";
    private static final String WRONG_PASSWORD = "wrong-Secret-3mN8pL";
    private static final String ADMIN_PASSWORD = "admin-Secret-9hT1bC";
    private static final List<String> PASSWORDS = List.of(REQUIREPASS, ACL_PASSWORD, WRONG_PASSWORD, ADMIN_PASSWORD);
    /** The store's permissions, as documented: nothing else is needed. */
    static final String STORE_ACL = "resetchannels ~wecomkit:* &wecomkit:* +get +set +del +eval +publish"
            + " +subscribe +unsubscribe";

    private static RedisServerProcess requirePass;
    private static RedisServerProcess acl;
    private static RedisServerProcess open;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final MutableClock clock = new MutableClock(T0);
    private final List<Throwable> thrown = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        requirePass = RedisServerProcess.start("--requirepass", REQUIREPASS);
        acl = RedisServerProcess.startWithConfig("user default off\n"
                + "user wecomkit on >" + ACL_PASSWORD + " " + STORE_ACL + "\n"
                + "user noscript on >" + ACL_PASSWORD + " resetchannels ~wecomkit:* &wecomkit:* +get +set +del"
                + " +publish +subscribe +unsubscribe\n"
                + "user admin on >" + ADMIN_PASSWORD + " ~* &* +@all\n");
        open = RedisServerProcess.start();
    }

    @AfterAll
    static void stopServers() {
        requirePass.close();
        acl.close();
        open.close();
    }

    @BeforeEach
    void clearLogs() {
        LogCapture.clear();
    }

    @AfterEach
    void noPasswordAnywhere() throws Exception {
        pool.shutdownNow();
        NoPasswordAnywhere.check(PASSWORDS, closing, thrown);
    }

    private RedisTokenStore store(String uri) {
        return store(RedisTokenStore.builder().redisUri(uri));
    }

    private RedisTokenStore store(RedisTokenStore.Builder builder) {
        RedisTokenStore store = builder.clock(clock).commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5)).build();
        closing.add(store);
        return store;
    }

    private <T extends Throwable> T thrownBy(Class<T> type, Runnable call) {
        T e = assertThrows(type, call::run);
        thrown.add(e);
        return e;
    }

    private static AccessToken token(String value, Instant issuedAt) {
        return AccessToken.of(value, issuedAt, issuedAt.plus(Duration.ofHours(2)));
    }

    /** Everything the client asks of a store. */
    private void runsEveryOperation(RedisTokenStore a, RedisTokenStore b, String adminUri) throws Exception {
        AccessToken first = token("tok-1", T0);
        a.put(KEY, first);
        assertEquals(Optional.of(first), b.get(KEY));
        RefreshLease lease = a.tryAcquireLease(KEY, Duration.ofSeconds(20)).orElseThrow();
        assertTrue(b.tryAcquireLease(KEY, Duration.ofSeconds(20)).isEmpty());
        lease.close();
        assertTrue(b.invalidate(KEY, "tok-1"));
        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(b, KEY, first.expiresAt(), Duration.ofSeconds(30), pool);
        AccessToken second = token("tok-2", T0.plusSeconds(60));
        RedisClient admin = RedisClient.create(adminUri);
        try (StatefulRedisConnection<String, String> c = admin.connect()) {
            String channel = "wecomkit:{" + KEY + "}:stored";
            Eventually.await("the waiter subscribed", Duration.ofSeconds(10),
                    () -> c.sync().pubsubNumsub(channel).get(channel) == 1);
        } finally {
            admin.shutdown();
        }
        a.put(KEY, second);
        assertEquals(second, waited.get(10, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void passwordOnlyUri_onARequirepassServer_runsEveryOperation() throws Exception {
        String uri = "redis://:" + REQUIREPASS + "@127.0.0.1:" + requirePass.port();
        runsEveryOperation(store(uri), store(uri), uri);
    }

    @Test
    void aclUserUri_withTheDocumentedPermissions_runsEveryOperation_andWakesWaitersThroughPubSub() throws Exception {
        String uri = "redis://wecomkit:" + ACL_PASSWORD + "@127.0.0.1:" + acl.port();
        // A one-minute poll: the wait in runsEveryOperation ends in time only through the notification.
        RedisTokenStore waiter = store(RedisTokenStore.builder().redisUri(uri).pollInterval(Duration.ofMinutes(1)));

        runsEveryOperation(store(uri), waiter, "redis://admin:" + ADMIN_PASSWORD + "@127.0.0.1:" + acl.port());

        assertFalse(LogCapture.allText().contains("no Pub/Sub"), LogCapture::allText);
    }

    @Test
    void wrongPassword_isATypedConfigurationFailure_reportedOnce_andTheClientSurvivesIt() throws Exception {
        String uri = "redis://wecomkit:" + WRONG_PASSWORD + "@127.0.0.1:" + acl.port();
        RedisTokenStore store = store(uri);

        RedisStoreConfigurationException e = thrownBy(RedisStoreConfigurationException.class, () -> store.get(KEY));
        RedisStoreConfigurationException again = thrownBy(RedisStoreConfigurationException.class,
                () -> store.put(KEY, token("tok-1", T0)));

        assertTrue(e.getMessage().contains("WRONGPASS") && e.getMessage().contains("Redis URI"), e.getMessage());
        assertFalse(e.retryable());
        assertEquals(e.getMessage(), again.getMessage());
        try (Fleet fleet = Fleet.start(2, c -> store(RedisTokenStore.builder().redisUri(uri)))) {
            fleet.loginEach();
            fleet.loginEach();
            assertEquals(2, fleet.gettokenCalls(), "no shared store: one token per instance, logins succeed");
        }
        long reports = LogCapture.events().stream().filter(ev -> ev.level() == Level.WARN
                && ev.logger().equals(RedisTokenStore.class.getName()) && ev.text().contains("WRONGPASS")).count();
        assertEquals(3, reports, "one warning per store, not per call");
    }

    @Test
    void missingOrNeedlessPassword_saysWhatToChange() {
        RedisStoreConfigurationException none = thrownBy(RedisStoreConfigurationException.class,
                () -> store("redis://127.0.0.1:" + requirePass.port()).get(KEY));
        RedisStoreConfigurationException needless = thrownBy(RedisStoreConfigurationException.class,
                () -> store("redis://:" + WRONG_PASSWORD + "@127.0.0.1:" + open.port()).get(KEY));

        assertTrue(none.getMessage().contains("NOAUTH") && none.getMessage().contains("redis://:password@host"),
                none.getMessage());
        assertTrue(needless.getMessage().contains("requires none"), needless.getMessage());
    }

    @Test
    void aclUserWithoutEval_isFoundAtTheFirstConnection_namingThePermission() {
        RedisTokenStore store = store("redis://noscript:" + ACL_PASSWORD + "@127.0.0.1:" + acl.port());

        RedisStoreConfigurationException e = thrownBy(RedisStoreConfigurationException.class, () -> store.get(KEY));

        assertTrue(e.getMessage().contains("NOPERM") && e.getMessage().contains("eval"), e.getMessage());
    }
}
