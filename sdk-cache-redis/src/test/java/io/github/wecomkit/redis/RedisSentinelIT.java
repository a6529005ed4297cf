package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.lettuce.core.KillArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * {@link RedisTokenStore} on Redis Sentinel: a master, a replica and three Sentinels on loopback. The master is
 * killed (SIGKILL) twice in this class; every test runs on a group of its own.
 */
class RedisSentinelIT {
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final Duration DOWN_AFTER = Duration.ofMillis(1000);
    private static final Duration PROMOTION_TIMEOUT = Duration.ofSeconds(30);
    private static final int CLIENTS = 4;

    /**
     * A fresh group for every test: a fail-over leaves the Sentinels with epochs, a cooldown on the master and
     * (after lost writes) views that take long to settle; the next test must not inherit any of it.
     */
    private SentinelGroup group;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    @BeforeEach
    void startGroup() {
        group = SentinelGroup.start(DOWN_AFTER);
        LogCapture.clear();
    }

    @AfterEach
    void stopGroup() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        group.close();
    }

    /** 2 s commands: the counts below are exact, and a starved build machine must not degrade a client. */
    private RedisTokenStore store(Clock clock) {
        RedisTokenStore store = RedisTokenStore.builder().redisUri(group.uri()).clock(clock)
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2)).build();
        closing.add(store);
        return store;
    }

    private static AccessToken token(String value, Instant issuedAt) {
        return AccessToken.of(value, issuedAt, issuedAt.plus(Duration.ofHours(2)));
    }

    @Test
    void sentinelUri_createAndBuilder_writeToTheMasterFoundThroughTheSentinels() {
        String key = "access_token:wwcorp:0123456789abcdef";
        RedisTokenStore created = RedisTokenStore.create(group.uri());
        closing.add(created);
        RedisTokenStore built = store(Clock.systemUTC()); // create(..) keeps the system clock too
        AccessToken t = token("tok-S", Instant.ofEpochMilli(System.currentTimeMillis()));

        created.put(key, t);

        assertEquals(Optional.of(t), built.get(key));
        RedisCommands<String, String> master = group.node(group.master());
        assertEquals(1L, master.waitForReplication(1, 5000), "replicated to the one replica");
        assertEquals(StoredToken.encode(t), group.node(group.replica()).get("wecomkit:{" + key + "}"));
        assertTrue(created.toString().startsWith("RedisTokenStore{mode=sentinel, master=mymaster"),
                created.toString());
    }

    /**
     * The fleet's guarantees across a fail-over. The Sentinels are first told to wait before they give up on the
     * master, so that every client must refresh while no master exists: each then fetches a token of its own
     * (the in-process fallback), and no login fails. Then the replica is promoted; every store finds the new
     * master by itself, and the next refreshes cost one gettoken for the whole fleet again.
     */
    @Test
    void masterKilledUnderLoad_noLoginFails_storesFollowTheNewMaster_andTheFleetIsBackToOneGettokenPerRefresh()
            throws Exception {
        try (Fleet fleet = Fleet.start(CLIENTS, this::store)) {
            Fleet.Load load = fleet.startLoad(2);
            try {
                load.awaitLogins(20);
                assertEquals(1, fleet.gettokenCalls(), "before the fail-over the fleet shares one token");

                group.holdFailover();
                int oldMaster = group.masterPort();
                int oldReplica = group.replica().port();
                long killedAt = System.nanoTime();
                group.killMaster();
                for (RedisTokenStore s : fleet.stores) {
                    Eventually.await("store sees the master gone", Duration.ofSeconds(10),
                            () -> !StoreCalls.answers(s));
                }
                fleet.advance(Duration.ofHours(2)); // every client must refresh while there is no master
                assertTrue(fleet.wecom.awaitCalls(FakeApi.GET_TOKEN, 1 + CLIENTS, Duration.ofSeconds(30)));
                load.awaitLogins(50);
                assertEquals(1 + CLIENTS, fleet.gettokenCalls(), "without a master, one token per client");

                long releasedAt = System.nanoTime();
                group.releaseFailover();
                int newMaster = group.awaitPromotion(oldMaster, PROMOTION_TIMEOUT);
                long promotedAt = System.nanoTime();
                for (RedisTokenStore s : fleet.stores) {
                    Eventually.await("store reconnected to the new master", Duration.ofSeconds(30),
                            () -> StoreCalls.answers(s));
                }
                long followedAt = System.nanoTime();
                assertEquals(oldReplica, newMaster, "the replica was promoted");

                for (int refresh = 1; refresh <= 2; refresh++) {
                    fleet.advance(Duration.ofHours(2));
                    load.awaitLogins(50);
                    assertEquals(1 + CLIENTS + refresh, fleet.gettokenCalls(),
                            "refresh " + refresh + " after the fail-over: one gettoken for the whole fleet");
                }
                System.out.printf("sentinel fail-over under load: master killed; gap held %d ms; promotion %d ms"
                                + " after release; every store on the new master %d ms after the promotion%n",
                        TimeUnit.NANOSECONDS.toMillis(releasedAt - killedAt),
                        TimeUnit.NANOSECONDS.toMillis(promotedAt - releasedAt),
                        TimeUnit.NANOSECONDS.toMillis(followedAt - promotedAt));
            } finally {
                load.stop();
            }
            assertEquals(0, load.failures.get(), () -> "failed logins, first: " + load.firstFailure.get());
            String logs = LogCapture.allText();
            assertFalse(logs.contains(fleet.secret), "the secret was logged");
            for (String live : fleet.wecom.liveTokens(Fleet.CORP)) {
                assertFalse(logs.contains(live), "a token was logged");
            }
            long warnings = LogCapture.events().stream()
                    .filter(e -> e.level() == Level.WARN && e.logger().startsWith("io.github.wecomkit")).count();
            assertEquals(CLIENTS, warnings, "one warning per client for the whole outage");
            System.out.println("sentinel fail-over under load: " + load.total() + " logins, 0 failed");
        }
    }

    /**
     * What the lease and compare-and-invalidate can do across a fail-over. A write that reached the replica
     * survives the promotion: the lease still excludes others and the token is still compared by value. A write
     * that the master acknowledged but never replicated (asynchronous replication) is lost: here the replica's
     * link is cut before the writes, as a crash between the answer and the replication would leave it. Then a
     * second instance can take the lease while the first is still fetching (two gettoken calls overlap, at most
     * for the rest of the first's fetch), and the fenced put keeps whichever token expires later.
     */
    @Test
    void failover_replicatedLeaseAndTokenSurvive_aLostLeaseLetsOneMoreRefreshOverlap_andTheFenceKeepsTheNewer() {
        String kept = "access_token:wwcorp:1111111111111111";
        String lost = "access_token:wwcorp:2222222222222222";
        RedisTokenStore a = store(clock);
        RedisTokenStore b = store(clock);
        AccessToken keptToken = token("tok-kept", T0);
        a.put(kept, keptToken);
        RefreshLease keptLease = a.tryAcquireLease(kept, Duration.ofSeconds(30)).orElseThrow();
        RedisServerProcess master = group.master();
        RedisServerProcess replica = group.replica();
        assertEquals(1L, group.node(master).waitForReplication(1, 5000));

        // Cut replication: the replica cannot come back (wrong master password), the master still acknowledges.
        group.node(replica).configSet("masterauth", "not-the-password");
        group.node(master).clientKill(KillArgs.Builder.typeSlave());
        Eventually.await("replica link down", Duration.ofSeconds(10),
                () -> group.node(replica).info("replication").contains("master_link_status:down"));
        RefreshLease lostLease = a.tryAcquireLease(lost, Duration.ofSeconds(30)).orElseThrow();
        AccessToken slowToken = token("tok-slow", T0);
        assertEquals(0L, group.node(master).waitForReplication(1, 100), "nothing reached the replica");

        int oldMaster = master.port();
        long killedAt = System.nanoTime();
        group.killMaster();
        group.awaitPromotion(oldMaster, PROMOTION_TIMEOUT);
        long promotedAt = System.nanoTime();
        Eventually.await("b on the new master", Duration.ofSeconds(30), () -> StoreCalls.answers(b));
        Eventually.await("a on the new master", Duration.ofSeconds(30), () -> StoreCalls.answers(a));
        long sharedAt = System.nanoTime();
        group.node(group.master()).configSet("masterauth", "");

        // Replicated: the lease still excludes, the token is still there and compared by value.
        assertTrue(b.tryAcquireLease(kept, Duration.ofSeconds(30)).isEmpty(), "replicated lease survived");
        long left = group.node(group.master()).pttl("wecomkit:{" + kept + "}:lease");
        assertTrue(left > 0 && left <= 30_000, "with the rest of its time: " + left);
        assertEquals(Optional.of(keptToken), b.get(kept));
        assertFalse(b.invalidate(kept, "tok-other"));
        keptLease.close(); // released on the new master
        assertTrue(b.tryAcquireLease(kept, Duration.ofSeconds(30)).isPresent(), "released across the fail-over");
        assertTrue(b.invalidate(kept, "tok-kept"));

        // Lost: a second instance takes the lease the first still believes it holds, and fetches too.
        assertEquals(Optional.empty(), b.get(lost));
        RefreshLease second = b.tryAcquireLease(lost, Duration.ofSeconds(30)).orElseThrow();
        AccessToken laterToken = token("tok-later", T0.plusSeconds(2));
        b.put(lost, laterToken);
        a.put(lost, slowToken); // the first instance's fetch ends last, with a token that expires earlier
        lostLease.close(); // not the holder any more: leaves the second's lease alone
        assertEquals(Optional.of(laterToken), a.get(lost), "the fence kept the later token");
        assertTrue(a.tryAcquireLease(lost, Duration.ofSeconds(30)).isEmpty(), "the second's lease still holds");
        second.close();

        System.out.printf("sentinel fail-over, no load: promotion %d ms after the kill, both stores on the new"
                        + " master %d ms after the promotion%n",
                TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
                TimeUnit.NANOSECONDS.toMillis(sharedAt - promotedAt));
    }
}
