package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.token.AccessToken;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against real TLS-enabled redis-server processes (the bundled binary links OpenSSL), with a
 * private CA and certificates made at test time by the JDK's keytool. Certificates are checked by default: an
 * untrusted CA and a certificate for another host are both refused.
 */
class RedisTlsIT {
    private static final String KEY = "access_token:wwcorp:0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final String PASSWORD = "tls-Secret-5rT7uY";

    private static Path dir;
    private static TestCertificates.Ca ca;
    private static TestCertificates.Ca otherCa;
    /** Certificate for 127.0.0.1, signed by {@link #ca}; requires a password. */
    private static RedisServerProcess server;
    /** Certificate signed by {@link #ca}, for another host (127.0.0.2), though it listens on 127.0.0.1. */
    private static RedisServerProcess wrongHost;

    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> admin;

    private final List<RedisTokenStore> stores = new ArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    @BeforeAll
    static void startServers() throws Exception {
        dir = Files.createTempDirectory("wecomkit-tls-");
        ca = TestCertificates.newCa(dir, "wecomkit-test-ca");
        otherCa = TestCertificates.newCa(dir, "some-other-ca");
        TestCertificates.Server certs = ca.issue("redis", "ip:127.0.0.1", "ip:127.0.0.2");
        server = RedisServerProcess.startTls(certs.certPems().get(0), certs.keyPem(), ca.certPem(),
                "--requirepass", PASSWORD);
        wrongHost = RedisServerProcess.startTls(certs.certPems().get(1), certs.keyPem(), ca.certPem());
        adminClient = RedisClient.create(uri(server));
        adminClient.setOptions(ClientOptions.builder()
                .sslOptions(SslOptions.builder().trustManager(ca.certPem().toFile()).build()).build());
        admin = adminClient.connect();
    }

    @AfterAll
    static void stopServers() {
        if (wrongHost != null) {
            wrongHost.close();
        }
        if (adminClient != null) {
            adminClient.shutdown();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisTokenStore::close);
        assertFalse(LogCapture.allText().contains(PASSWORD), "the password was logged");
    }

    private RedisTokenStore store(RedisTokenStore.Builder builder) {
        RedisTokenStore store = builder.clock(clock).commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5)).build();
        stores.add(store);
        return store;
    }

    private static String uri(RedisServerProcess p) {
        return "rediss://:" + PASSWORD + "@127.0.0.1:" + p.port();
    }

    @Test
    void privateCaFromAPemFile_connects_andSharesTokensWithPubSub() throws Exception {
        RedisTokenStore a = store(RedisTokenStore.builder().redisUri(uri(server))
                .trustedCertificates(ca.certPem()));
        RedisTokenStore b = store(RedisTokenStore.builder().redisUri(uri(server))
                .trustedCertificates(ca.certPem()).pollInterval(Duration.ofMinutes(1)));
        AccessToken first = AccessToken.of("tok-tls", T0, T0.plusSeconds(7200));
        a.put(KEY, first);
        assertEquals(Optional.of(first), b.get(KEY));

        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(b, KEY, first.expiresAt(), Duration.ofSeconds(30));
        String channel = "wecomkit:{" + KEY + "}:stored";
        Eventually.await("waiter subscribed", Duration.ofSeconds(10),
                () -> admin.sync().pubsubNumsub(channel).get(channel) == 1);
        AccessToken second = AccessToken.of("tok-tls-2", T0.plusSeconds(60), T0.plusSeconds(7260));
        a.put(KEY, second);
        assertEquals(second, waited.get(10, TimeUnit.SECONDS).orElseThrow());
    }

    @Test
    void privateCaFromAKeyStore_connects() {
        RedisTokenStore store = store(RedisTokenStore.builder().redisUri(uri(server))
                .trustStore(TestCertificates.trustStoreOf(ca)));

        assertEquals(Optional.empty(), store.get(KEY));
    }

    @Test
    void certificateChecksAreOnByDefault_aPrivateCaIsNotTrustedUnlessConfigured() {
        RedisStoreConfigurationException e = assertThrows(RedisStoreConfigurationException.class,
                () -> store(RedisTokenStore.builder().redisUri(uri(server))).get(KEY));

        assertTrue(e.getMessage().startsWith("TLS handshake with Redis failed"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
        System.out.println("untrusted CA: " + e.getMessage());
    }

    @Test
    void certificateFromAnotherCa_isRefused() {
        RedisStoreConfigurationException e = assertThrows(RedisStoreConfigurationException.class,
                () -> store(RedisTokenStore.builder().redisUri(uri(server))
                        .trustedCertificates(otherCa.certPem())).get(KEY));

        assertTrue(e.getMessage().startsWith("TLS handshake with Redis failed"), e.getMessage());
    }

    @Test
    void trustedCertificateForAnotherHost_isRefused() {
        RedisStoreConfigurationException e = assertThrows(RedisStoreConfigurationException.class,
                () -> store(RedisTokenStore.builder().redisUri("rediss://127.0.0.1:" + wrongHost.port())
                        .trustedCertificates(ca.certPem())).get(KEY));

        assertTrue(e.getMessage().startsWith("TLS handshake with Redis failed"), e.getMessage());
        System.out.println("certificate for another host: " + e.getMessage());
    }
}
