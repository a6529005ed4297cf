package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
        assertThrows(IllegalArgumentException.class, () -> b.leaseTime(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.waitTime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.pollInterval(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> b.clock(null));
    }

    @Test
    void toString_showsModeAndPrefix_neverTheUriOrItsPassword() {
        try (RedisTokenStore store = RedisTokenStore.builder().redisUri("redis://:hunter2@127.0.0.1:1")
                .keyPrefix("app1:").build()) {
            assertEquals("RedisTokenStore{mode=standalone, keyPrefix=app1:}", store.toString());
        }
    }

    @Test
    void recommendedOptions_rejectCommandsWhileDisconnectedAndReconnect() {
        ClientOptions options = RedisTokenStore.recommendedOptions(Duration.ofMillis(250));

        assertEquals(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, options.getDisconnectedBehavior());
        assertTrue(options.isAutoReconnect());
        assertEquals(Duration.ofMillis(250), options.getSocketOptions().getConnectTimeout());
    }
}
