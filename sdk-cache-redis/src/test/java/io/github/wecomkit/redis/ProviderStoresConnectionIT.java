package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.suite.SuiteTicket;
import io.github.wecomkit.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The provider-flow stores (tickets, permanent codes, the callback guard) open Redis the way
 * {@link RedisTokenStore} does: TLS with a private CA, typed configuration failures that say what to fix and are
 * logged once, a refused port reported by the quick check, and no password anywhere.
 */
class ProviderStoresConnectionIT {
    private static final String SUITE = "wwsuite0000000001";
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final String PASSWORD = "prov-Secret-8wQ3nJ";
    private static final String WRONG_PASSWORD = "prov-Wrong-2kD6sZ";

    private static Path dir;
    private static TestCertificates.Ca ca;
    private static RedisServerProcess tls;
    private static RedisServerProcess requirePass;
    /** Its only user may not run hash commands. */
    private static RedisServerProcess acl;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Throwable> thrown = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        dir = Files.createTempDirectory("wecomkit-provider-tls-");
        ca = TestCertificates.newCa(dir, "wecomkit-provider-ca");
        TestCertificates.Server certs = ca.issue("redis", "ip:127.0.0.1");
        tls = RedisServerProcess.startTls(certs.certPems().get(0), certs.keyPem(), ca.certPem(),
                "--requirepass", PASSWORD);
        requirePass = RedisServerProcess.start("--requirepass", PASSWORD);
        acl = RedisServerProcess.startWithConfig("user default off\n"
                + "user nohash on >" + PASSWORD + " resetchannels ~wecomkit:* +get +set +del +eval\n");
    }

    @AfterAll
    static void stopServers() {
        if (tls != null) {
            tls.close();
        }
        if (requirePass != null) {
            requirePass.close();
        }
        if (acl != null) {
            acl.close();
        }
    }

    @BeforeEach
    void clearLogs() {
        LogCapture.clear();
    }

    @AfterEach
    void noPasswordAnywhere() throws Exception {
        NoPasswordAnywhere.check(List.of(PASSWORD, WRONG_PASSWORD), closing, thrown);
    }

    private <B extends RedisStoreBuilder<B, T>, T extends AutoCloseable> T build(RedisStoreBuilder<B, T> builder) {
        T store = builder.clock(new MutableClock(T0)).commandTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(5)).build();
        closing.add(store);
        return store;
    }

    private <T extends Throwable> T thrownBy(Class<T> type, Runnable call) {
        T e = assertThrows(type, call::run);
        thrown.add(e);
        return e;
    }

    private static String tlsUri() {
        return "rediss://:" + PASSWORD + "@127.0.0.1:" + tls.port();
    }

    @Test
    void everyProviderStore_worksOverTlsWithAPrivateCa() {
        RedisSuiteTicketStore tickets = build(RedisSuiteTicketStore.builder().redisUri(tlsUri())
                .trustedCertificates(ca.certPem()));
        RedisPermanentCodeStore codes = build(RedisPermanentCodeStore.builder().redisUri(tlsUri())
                .trustStore(TestCertificates.trustStoreOf(ca)));
        RedisCallbackGuard guard = build(RedisCallbackGuard.builder().redisUri(tlsUri())
                .trustedCertificates(ca.certPem()));
        SuiteTicket ticket = SuiteTicket.of(SUITE, "ticket-over-tls", T0);

        assertTrue(tickets.offer(ticket));
        codes.put(SUITE, "wwcorp1", "permanent-over-tls");

        assertEquals(Optional.of(ticket), tickets.newest(SUITE));
        assertEquals(Optional.of("permanent-over-tls"), codes.get(SUITE, "wwcorp1"));
        assertTrue(guard.firstSeen("callback-1"));
        assertFalse(guard.firstSeen("callback-1"));
    }

    @Test
    void anUntrustedPrivateCa_isATypedTlsFailure() {
        RedisSuiteTicketStore tickets = build(RedisSuiteTicketStore.builder().redisUri(tlsUri()));

        RedisStoreConfigurationException e = thrownBy(RedisStoreConfigurationException.class,
                () -> tickets.newest(SUITE));

        assertTrue(e.getMessage().startsWith("TLS handshake with Redis failed"), e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void aWrongPassword_isATypedConfigurationFailure_loggedOncePerStore() {
        String uri = "redis://:" + WRONG_PASSWORD + "@127.0.0.1:" + requirePass.port();
        RedisPermanentCodeStore codes = build(RedisPermanentCodeStore.builder().redisUri(uri));

        RedisStoreConfigurationException first = thrownBy(RedisStoreConfigurationException.class,
                () -> codes.get(SUITE, "wwcorp1"));
        RedisStoreConfigurationException again = thrownBy(RedisStoreConfigurationException.class,
                () -> codes.put(SUITE, "wwcorp1", "code"));

        assertTrue(first.getMessage().contains("WRONGPASS") && first.getMessage().contains("Redis URI"),
                first.getMessage());
        assertEquals(first.getMessage(), again.getMessage());
        long warnings = LogCapture.events().stream().filter(ev -> ev.level() == Level.WARN
                && ev.text().contains("WRONGPASS")).count();
        assertEquals(1, warnings, LogCapture::allText);
    }

    @Test
    void noPassword_onAServerThatRequiresOne_saysHowToGiveIt() {
        RedisCallbackGuard guard = build(RedisCallbackGuard.builder()
                .redisUri("redis://127.0.0.1:" + requirePass.port()));

        RedisStoreConfigurationException e = thrownBy(RedisStoreConfigurationException.class,
                () -> guard.firstSeen("callback-1"));

        assertTrue(e.getMessage().contains("NOAUTH") && e.getMessage().contains("redis://:password@host"),
                e.getMessage());
    }

    @Test
    void aUserWithoutAPermissionTheStoreNeeds_isTold_whichCommandsToAllow() {
        RedisPermanentCodeStore codes = build(RedisPermanentCodeStore.builder()
                .redisUri("redis://nohash:" + PASSWORD + "@127.0.0.1:" + acl.port()));

        RedisStoreConfigurationException e = thrownBy(RedisStoreConfigurationException.class,
                () -> codes.put(SUITE, "wwcorp1", "code"));

        assertTrue(e.getMessage().contains("NOPERM") && e.getMessage().contains("HSET, HGET and HDEL"),
                e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void aRefusedPort_isReportedByTheQuickCheck_asARetryableFailureNamingTheAddress() {
        int closedPort = RedisServerProcess.freePort();
        RedisSuiteTicketStore tickets = build(RedisSuiteTicketStore.builder()
                .redisUri("redis://:" + PASSWORD + "@127.0.0.1:" + closedPort));

        RedisStoreException e = thrownBy(RedisStoreException.class, () -> tickets.newest(SUITE));

        assertFalse(e instanceof RedisStoreConfigurationException);
        assertTrue(e.retryable());
        assertTrue(e.getMessage().contains("cannot reach Redis at 127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    void trustOptions_needARedissUri_andSentinelUrisNeedAMaster() {
        IllegalStateException plain = assertThrows(IllegalStateException.class,
                () -> RedisSuiteTicketStore.builder().redisUri("redis://127.0.0.1:6379")
                        .trustedCertificates(ca.certPem()).build());
        IllegalArgumentException noMaster = assertThrows(IllegalArgumentException.class,
                () -> RedisCallbackGuard.builder().redisUri("redis-sentinel://127.0.0.1:26379"));

        assertTrue(plain.getMessage().contains("rediss://"), plain.getMessage());
        assertTrue(noMaster.getMessage().contains("#<master name>"), noMaster.getMessage());
    }
}
