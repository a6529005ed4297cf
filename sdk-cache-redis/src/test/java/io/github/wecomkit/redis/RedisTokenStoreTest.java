package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration checks; nothing listens on the ports these stores would connect to. */
class RedisTokenStoreTest {

    @Test
    void build_withoutAnyRedis_throwsNamingTheOptions() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RedisTokenStore.builder().build());
        assertTrue(e.getMessage().contains("redisUri, client or clusterClient"), e.getMessage());
    }

    @Test
    void build_withTwoRedisSources_throws() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create();
        try {
            assertThrows(IllegalStateException.class, () -> RedisTokenStore.builder()
                    .redisUri("redis://127.0.0.1:1").client(client).build());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisUri_malformed_throwsWithoutEchoingItsPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.create("ftp://:hunter2@127.0.0.1:6379"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStore.create(" "));
        assertThrows(NullPointerException.class, () -> RedisTokenStore.create((String) null));
    }

    @Test
    void durations_mustBePositive() {
        RedisTokenStore.Builder b = RedisTokenStore.builder();
        assertThrows(IllegalArgumentException.class, () -> b.commandTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.pollInterval(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> b.clock(null));
    }

    @Test
    void toString_showsModeTargetAndPrefix_neverThePasswordOrUser() {
        try (RedisTokenStore store = RedisTokenStore.builder().redisUri("redis://alice:hunter2@127.0.0.1:1")
                .keyPrefix("app1:").build()) {
            assertEquals("RedisTokenStore{mode=standalone, target=127.0.0.1:1, keyPrefix=app1:}", store.toString());
        }
        try (RedisTokenStore store = RedisTokenStore.create(
                "redis-sentinel://:hunter2@127.0.0.1:1,127.0.0.1:2#mymaster")) {
            assertEquals("RedisTokenStore{mode=sentinel, master=mymaster, sentinels=[127.0.0.1:1,127.0.0.1:2],"
                    + " keyPrefix=wecomkit:}", store.toString());
        }
        try (RedisTokenStore store = RedisTokenStore.create("rediss://:hunter2@127.0.0.1:1")) {
            assertEquals("RedisTokenStore{mode=standalone, target=127.0.0.1:1, tls, keyPrefix=wecomkit:}",
                    store.toString());
        }
    }

    @Test
    void sentinelUri_withoutMasterName_isRejectedBeforeAnyConnection() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.create("redis-sentinel://:hunter2@127.0.0.1:26379"));
        assertTrue(e.getMessage().contains("#<master name>"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void trustOptions_needATlsUri() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RedisTokenStore.builder()
                .redisUri("redis://127.0.0.1:1").trustStore(emptyKeyStore()).build());
        assertTrue(e.getMessage().contains("rediss://"), e.getMessage());
    }

    @Test
    void trustedCertificates_fileWithoutCertificates_isRejectedNamingTheOption(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder().trustedCertificates(empty));
        assertTrue(e.getMessage().startsWith("trustedCertificates"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStore.builder().trustedCertificates(dir.resolve("missing.pem")));
        assertThrows(NullPointerException.class, () -> RedisTokenStore.builder().trustedCertificates(null));
    }

    private static KeyStore emptyKeyStore() throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    @Test
    void lazyConnection_withoutQuickCheck_reportsTheConnectorsFailure_thenFailsAtOnceUntilTheRetryDelay() {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        LazyConnection<String> c = new LazyConnection<>("test", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("refused");
        }, s -> { }, Duration.ofSeconds(5), Duration.ofMinutes(1));

        RedisStoreException first = assertThrows(RedisStoreException.class, c::get);
        RedisStoreException again = assertThrows(RedisStoreException.class, c::get);
        c.close();

        assertEquals("cannot connect to Redis (test): IllegalStateException: refused", first.getMessage());
        assertEquals(first.getMessage(), again.getMessage());
        assertEquals(1, attempts.get(), "no second attempt within the retry delay");
        assertTrue(first.retryable());
    }

    @Test
    void failureDescriptions_dropTheArgumentsRedisEchoesForAnUnknownCommand() {
        String described = LazyConnection.describe(new io.lettuce.core.RedisCommandExecutionException(
                "ERR unknown command `EVAL`, with args beginning with: `script`, `1`, `tok-secret-value`, "));

        assertEquals("RedisCommandExecutionException: ERR unknown command `EVAL`", described);
    }

    @Test
    void recommendedOptions_rejectCommandsWhileDisconnected_replayNone_andSpeakResp2() {
        ClientOptions options = RedisTokenStore.recommendedOptions(Duration.ofMillis(250));

        assertEquals(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, options.getDisconnectedBehavior());
        assertTrue(options.isAutoReconnect());
        assertTrue(options.getReplayFilter().test(null), "no command is replayed after a reconnect");
        assertEquals(ProtocolVersion.RESP2, options.getProtocolVersion());
        assertEquals(Duration.ofMillis(250), options.getSocketOptions().getConnectTimeout());
    }
}
