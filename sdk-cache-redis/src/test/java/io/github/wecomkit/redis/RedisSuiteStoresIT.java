package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.suite.SuiteTicket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider-flow stores on a real redis-server: tickets (newest wins, atomically, for exactly their validity,
 * per suite, across restarts), permanent codes (encrypted at rest with the application's cipher) and the
 * callback guard (one instance handles each callback).
 */
class RedisSuiteStoresIT {
    private static final String SUITE = "wwsuite0000000001";
    private static final String OTHER_SUITE = "wwsuite0000000002";
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
        clock = new MutableClock(T0);
    }

    @AfterEach
    void closeAll() throws Exception {
        pool.shutdownNow();
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    private RedisSuiteTicketStore tickets() {
        return closeLater(RedisSuiteTicketStore.builder().redisUri(server.uri()).clock(clock)
                .commandTimeout(Duration.ofSeconds(2)).build());
    }

    private static SuiteTicket ticket(String suiteId, String value, Instant pushedAt) {
        return SuiteTicket.of(suiteId, value, pushedAt);
    }

    @Test
    void ticket_newestWins_andALateRetryOfAnOlderPushNeverReplacesIt() {
        RedisSuiteTicketStore store = tickets();
        assertTrue(store.offer(ticket(SUITE, "ticket-1", T0)));
        assertTrue(store.offer(ticket(SUITE, "ticket-2", T0.plusSeconds(600))));
        assertFalse(store.offer(ticket(SUITE, "ticket-1", T0)), "an older push arriving late");
        assertFalse(store.offer(ticket(SUITE, "ticket-x", T0.plusSeconds(600))), "same push time: the first stays");
        assertEquals("ticket-2", store.newest(SUITE).orElseThrow().value());
        assertEquals(T0.plusSeconds(600), store.newest(SUITE).orElseThrow().pushedAt());
    }

    @Test
    void ticket_concurrentPushesOnTwoInstances_leaveTheNewest() throws Exception {
        List<RedisSuiteTicketStore> instances = List.of(tickets(), tickets());
        int pushes = 32;
        CyclicBarrier barrier = new CyclicBarrier(pushes);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < pushes; i++) {
            int n = i;
            RedisSuiteTicketStore store = instances.get(i % 2);
            results.add(pool.submit(() -> {
                barrier.await();
                return store.offer(ticket(SUITE, "ticket-" + n, T0.plusSeconds(n)));
            }));
        }
        int kept = 0;
        for (int i = 0; i < pushes; i++) {
            kept += results.get(i).get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertTrue(results.get(pushes - 1).get(), "the newest push is kept whatever the order");
        assertTrue(kept >= 1 && kept <= pushes);
        for (RedisSuiteTicketStore store : instances) {
            assertEquals("ticket-" + (pushes - 1), store.newest(SUITE).orElseThrow().value());
        }
    }

    @Test
    void ticket_isKeptForItsThirtyMinuteValidity_notTenAndNotForever() {
        RedisSuiteTicketStore store = tickets();
        store.offer(ticket(SUITE, "fresh", T0));
        long pttl = redis.pttl(store.key(SUITE));
        assertTrue(pttl > Duration.ofMinutes(29).toMillis() && pttl <= Duration.ofMinutes(30).toMillis(),
                "PTTL " + pttl);
        store.offer(ticket(OTHER_SUITE, "pushed-ten-minutes-ago", T0.minus(Duration.ofMinutes(10))));
        long older = redis.pttl(store.key(OTHER_SUITE));
        assertTrue(older > Duration.ofMinutes(19).toMillis() && older <= Duration.ofMinutes(20).toMillis(),
                "PTTL " + older);
        clock.advance(Duration.ofMinutes(29));
        assertEquals("fresh", store.newest(SUITE).orElseThrow().value(), "valid after 29 minutes");
        clock.advance(Duration.ofMinutes(1));
        assertTrue(store.newest(SUITE).isEmpty(), "gone after 30 minutes");
        assertFalse(store.offer(ticket(SUITE, "too-old", T0)), "an expired ticket is not stored");
    }

    @Test
    void ticket_survivesARestartOfTheApplication() {
        try (RedisSuiteTicketStore before = RedisSuiteTicketStore.builder().redisUri(server.uri()).clock(clock)
                .build()) {
            before.offer(ticket(SUITE, "kept-across-restarts", T0));
        }
        RedisSuiteTicketStore after = tickets();
        assertEquals("kept-across-restarts", after.newest(SUITE).orElseThrow().value());
    }

    @Test
    void severalSuites_shareOneRedis_withOneKeyEach_andNoSecretInAnyKey() {
        RedisSuiteTicketStore store = tickets();
        RedisPermanentCodeStore codes = closeLater(RedisPermanentCodeStore.create(server.uri()));
        store.offer(ticket(SUITE, "ticket-of-suite-1", T0));
        store.offer(ticket(OTHER_SUITE, "ticket-of-suite-2", T0.minusSeconds(60)));
        codes.put(SUITE, "wwcorpa000000001", "code-of-suite-1");
        codes.put(OTHER_SUITE, "wwcorpa000000001", "code-of-suite-2");
        assertEquals("ticket-of-suite-1", store.newest(SUITE).orElseThrow().value());
        assertEquals("ticket-of-suite-2", store.newest(OTHER_SUITE).orElseThrow().value());
        assertEquals("code-of-suite-1", codes.get(SUITE, "wwcorpa000000001").orElseThrow());
        assertEquals("code-of-suite-2", codes.get(OTHER_SUITE, "wwcorpa000000001").orElseThrow());
        Set<String> keys = new TreeSet<>(redis.keys("*"));
        assertEquals(Set.of("wecomkit:{suite_ticket:" + SUITE + "}", "wecomkit:{suite_ticket:" + OTHER_SUITE + "}",
                "wecomkit:{permanent_codes:" + SUITE + "}", "wecomkit:{permanent_codes:" + OTHER_SUITE + "}"), keys);
        assertEquals(Set.of("wwcorpa000000001"), Set.copyOf(redis.hkeys("wecomkit:{permanent_codes:" + SUITE + "}")));
    }

    @Test
    void permanentCodes_putGetRemove_andAnEncryptedStoreHoldsNoPlaintext() throws Exception {
        ValueCipher aes = aesGcm();
        RedisPermanentCodeStore codes = closeLater(RedisPermanentCodeStore.builder().redisUri(server.uri())
                .cipher(aes).build());
        String code = "permanent-code-0123456789abcdefghijklmnopqrstuvwxyz";
        codes.put(SUITE, "wwcorpa000000001", code);
        String raw = redis.hget("wecomkit:{permanent_codes:" + SUITE + "}", "wwcorpa000000001");
        assertNotEquals(code, raw);
        assertFalse(raw.contains("permanent-code"));
        assertEquals(code, codes.get(SUITE, "wwcorpa000000001").orElseThrow());

        RedisPermanentCodeStore wrongKey = closeLater(RedisPermanentCodeStore.builder().redisUri(server.uri())
                .cipher(aesGcm()).build());
        RedisStoreException e = assertThrows(RedisStoreException.class,
                () -> wrongKey.get(SUITE, "wwcorpa000000001"));
        assertTrue(e.getMessage().contains("ValueCipher"), e.getMessage());
        assertFalse(e.getMessage().contains(code));

        assertTrue(codes.remove(SUITE, "wwcorpa000000001"));
        assertFalse(codes.remove(SUITE, "wwcorpa000000001"));
        assertTrue(codes.get(SUITE, "wwcorpa000000001").isEmpty());
        assertFalse(codes.toString().contains(code));
    }

    @Test
    void encryptedTickets_areStoredAsCiphertext_withTheirPushTimeInClear() throws Exception {
        RedisSuiteTicketStore store = closeLater(RedisSuiteTicketStore.builder().redisUri(server.uri()).clock(clock)
                .cipher(aesGcm()).build());
        store.offer(ticket(SUITE, "secret-ticket-value", T0));
        String raw = redis.get(store.key(SUITE));
        assertTrue(raw.startsWith(T0.toEpochMilli() + ":"), raw);
        assertFalse(raw.contains("secret-ticket-value"));
        assertEquals("secret-ticket-value", store.newest(SUITE).orElseThrow().value());
        assertFalse(store.offer(ticket(SUITE, "older", T0.minusSeconds(1))), "the comparison works on ciphertext");
    }

    @Test
    void callbackGuard_letsOneInstanceHandleEachCallback_andForgetLetsARetryThrough() throws Exception {
        List<RedisCallbackGuard> guards = List.of(closeLater(RedisCallbackGuard.create(server.uri())),
                closeLater(RedisCallbackGuard.builder().redisUri(server.uri()).window(Duration.ofMinutes(5)).build()));
        int attempts = 16;
        CyclicBarrier barrier = new CyclicBarrier(attempts);
        AtomicInteger firsts = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            RedisCallbackGuard guard = guards.get(i % 2);
            done.add(pool.submit(() -> {
                barrier.await();
                if (guard.firstSeen("Fields:create_auth-digest")) {
                    firsts.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, firsts.get());
        String key = guards.get(0).key("Fields:create_auth-digest");
        assertTrue(key.matches("wecomkit:\\{callback:[0-9a-f]{32}}"), key);
        long pttl = redis.pttl(key);
        assertTrue(pttl > Duration.ofMinutes(4).toMillis() && pttl <= Duration.ofMinutes(5).toMillis(), "PTTL " + pttl);
        guards.get(1).forget("Fields:create_auth-digest");
        assertTrue(guards.get(0).firstSeen("Fields:create_auth-digest"));
    }

    /** AES-256-GCM with a random key and a random nonce per value, Base64: an application's cipher, in brief. */
    private static ValueCipher aesGcm() throws GeneralSecurityException {
        byte[] key = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        return ValueCipher.of(plain -> {
            try {
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce));
                byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
                byte[] out = new byte[nonce.length + sealed.length];
                System.arraycopy(nonce, 0, out, 0, nonce.length);
                System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
                return Base64.getEncoder().encodeToString(out);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }, stored -> {
            try {
                byte[] in = Base64.getDecoder().decode(stored);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, in, 0, 12));
                return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
