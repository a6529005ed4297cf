package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.token.AccessToken;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Servers that lack what proxies such as Twemproxy or Codis lack in some setups, made with {@code rename-command}
 * in a config file: one without Pub/Sub (the store polls), one without Lua (the store refuses, the client uses
 * in-process tokens). The store finds out on its first connection and says so once.
 */
class RedisCapabilitiesIT {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private static RedisServerProcess noPubSub;
    private static RedisServerProcess noLua;

    private final List<RedisTokenStore> stores = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final MutableClock clock = new MutableClock(T0);

    @BeforeAll
    static void startServers() {
        noPubSub = RedisServerProcess.startWithConfig("rename-command SUBSCRIBE \"\"\n"
                + "rename-command PUBLISH \"\"\n");
        noLua = RedisServerProcess.startWithConfig("rename-command EVAL \"\"\nrename-command EVALSHA \"\"\n");
    }

    @AfterAll
    static void stopServers() {
        noPubSub.close();
        noLua.close();
    }

    @BeforeEach
    void clearLogs() {
        LogCapture.clear();
    }

    @AfterEach
    void closeStores() {
        pool.shutdownNow();
        stores.forEach(RedisTokenStore::close);
    }

    private RedisTokenStore store(RedisServerProcess server) {
        RedisTokenStore store = RedisTokenStore.builder().redisUri(server.uri()).clock(clock)
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5)).build();
        stores.add(store);
        return store;
    }

    private static long logged(Level level, String text) {
        return LogCapture.events().stream().filter(e -> e.level() == level
                && e.logger().equals(RedisTokenStore.class.getName()) && e.text().contains(text)).count();
    }

    @Test
    void withoutPubSub_putsStillStore_andWaitersAreWokenByPolling_saidOncePerStore() throws Exception {
        RedisTokenStore writer = store(noPubSub);
        RedisTokenStore waiter = store(noPubSub);
        AccessToken held = AccessToken.of("tok-1", T0, T0.plusSeconds(7200));
        writer.put(KEY, held);
        assertEquals(Optional.of(held), waiter.get(KEY));

        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(waiter, KEY, held.expiresAt(), Duration.ofSeconds(30), pool);
        AccessToken next = AccessToken.of("tok-2", T0.plusSeconds(60), T0.plusSeconds(7260));
        writer.put(KEY, next);

        assertEquals(next, waited.get(10, TimeUnit.SECONDS).orElseThrow());
        Eventually.await("both stores found out", Duration.ofSeconds(10),
                () -> logged(Level.INFO, "no Pub/Sub") == 2);
        assertEquals(0, logged(Level.WARN, ""), LogCapture::allText);
    }

    @Test
    void withoutPubSub_aColdFleetStillCallsGettokenOnce() throws Exception {
        try (Fleet fleet = Fleet.start(4, c -> store(noPubSub))) {
            CyclicBarrier barrier = new CyclicBarrier(16);
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int client = i % 4;
                logins.add(pool.submit(() -> {
                    barrier.await();
                    return fleet.login(client);
                }));
            }
            for (Future<String> login : logins) {
                assertEquals(Fleet.USER, login.get(30, TimeUnit.SECONDS));
            }

            assertEquals(1, fleet.gettokenCalls(), "the waiting instances found the token by polling");
        }
    }

    @Test
    void withoutLua_everyCallIsRefusedWithAClearReason_andTheClientFallsBackToItsOwnTokens() {
        RedisTokenStore store = store(noLua);

        RedisStoreConfigurationException e = assertThrows(RedisStoreConfigurationException.class,
                () -> store.get(KEY));
        assertThrows(RedisStoreConfigurationException.class,
                () -> store.put(KEY, AccessToken.of("tok-1", T0, T0.plusSeconds(7200))));
        assertThrows(RedisStoreConfigurationException.class, () -> store.tryAcquireLease(KEY, Duration.ofSeconds(5)));

        assertTrue(e.getMessage().contains("EVAL") && e.getMessage().contains("each instance uses its own token"),
                e.getMessage());
        assertFalse(e.retryable());
        assertEquals(1, logged(Level.WARN, "does not run Lua scripts"), "said once, not per call");
        System.out.println("server without EVAL: " + e.getMessage());

        try (Fleet fleet = Fleet.start(2, c -> store(noLua))) {
            fleet.loginEach();
            fleet.loginEach();
            assertEquals(2, fleet.gettokenCalls(), "each instance fetched its own token; every login succeeded");
        }
    }
}
