package io.github.wecomkit.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A three-master Redis Cluster on loopback, built by the fixture from three {@code redis-server --cluster-enabled}
 * processes (CLUSTER MEET and ADDSLOTS sent from Java, since only redis-server ships with the test jar).
 */
class RedisClusterTokenStoreIT {
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");
    private static final int[][] SLOT_RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};

    private static final List<RedisServerProcess> NODES = new ArrayList<>();
    private static final List<RedisClient> NODE_CLIENTS = new ArrayList<>();
    private static final List<RedisCommands<String, String>> NODE_COMMANDS = new ArrayList<>();
    private static RedisClusterClient clusterClient;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<RedisTokenStore> stores = new ArrayList<>();
    private final MutableClock clock = new MutableClock(T0);

    @BeforeAll
    static void startCluster() {
        for (int i = 0; i < 3; i++) {
            NODES.add(RedisServerProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000"));
        }
        for (RedisServerProcess node : NODES) {
            RedisClient client = RedisClient.create(node.uri());
            StatefulRedisConnection<String, String> connection = client.connect();
            NODE_CLIENTS.add(client);
            NODE_COMMANDS.add(connection.sync());
        }
        for (int i = 1; i < NODES.size(); i++) {
            NODE_COMMANDS.get(0).clusterMeet("127.0.0.1", NODES.get(i).port());
        }
        for (int i = 0; i < NODES.size(); i++) {
            NODE_COMMANDS.get(i).clusterAddSlots(
                    IntStream.rangeClosed(SLOT_RANGES[i][0], SLOT_RANGES[i][1]).toArray());
        }
        Eventually.await("cluster state ok on every node", Duration.ofSeconds(30), () -> NODE_COMMANDS.stream()
                .allMatch(c -> c.clusterInfo().contains("cluster_state:ok")
                        && c.clusterInfo().contains("cluster_known_nodes:3")
                        && c.clusterInfo().contains("cluster_slots_assigned:16384")));
        List<RedisURI> seeds = new ArrayList<>();
        NODES.forEach(n -> seeds.add(RedisURI.create(n.uri())));
        clusterClient = RedisClusterClient.create(seeds);
        clusterClient.setOptions(ClusterClientOptions.builder(
                RedisTokenStore.recommendedOptions(Duration.ofSeconds(2))).build());
    }

    @AfterAll
    static void stopCluster() {
        if (clusterClient != null) {
            clusterClient.shutdown();
        }
        NODE_CLIENTS.forEach(RedisClient::shutdown);
        NODES.forEach(RedisServerProcess::close);
    }

    @BeforeEach
    void flush() {
        NODE_COMMANDS.forEach(RedisCommands::flushall);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        stores.forEach(RedisTokenStore::close);
    }

    private RedisTokenStore store(RedisTokenStore.Builder builder) {
        // 2 s instead of 300 ms: a starved build machine must not turn a slow topology fetch into a test failure.
        RedisTokenStore store = builder.clusterClient(clusterClient).clock(clock)
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5)).build();
        stores.add(store);
        return store;
    }

    private RedisTokenStore store() {
        return store(RedisTokenStore.builder());
    }

    private static AccessToken token(String value) {
        return AccessToken.of(value, T0, T0.plusSeconds(7200));
    }

    /** The node that owns {@code redisKey}'s slot. */
    private static RedisCommands<String, String> owner(String redisKey) {
        int slot = (int) (long) NODE_COMMANDS.get(0).clusterKeyslot(redisKey);
        for (int i = 0; i < SLOT_RANGES.length; i++) {
            if (slot >= SLOT_RANGES[i][0] && slot <= SLOT_RANGES[i][1]) {
                return NODE_COMMANDS.get(i);
            }
        }
        throw new AssertionError("no node for slot " + slot);
    }

    @Test
    void tokenAndLease_liveInOneSlotOnTheOwningNode_andAppsSpreadOverNodes() {
        RedisTokenStore store = store();
        Set<RedisCommands<String, String>> owners = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String key = "access_token:wwcorp" + i + ":0123456789abcdef";
            store.put(key, token("tok-" + i));
            assertTrue(store.tryAcquireLease(key, Duration.ofSeconds(10)).isPresent());

            String tokenKey = "wecomkit:{" + key + "}";
            String leaseKey = tokenKey + ":lease";
            assertEquals(NODE_COMMANDS.get(0).clusterKeyslot(tokenKey), NODE_COMMANDS.get(0).clusterKeyslot(leaseKey));
            RedisCommands<String, String> node = owner(tokenKey);
            assertEquals(2, node.exists(tokenKey, leaseKey), "both on the owning node");
            owners.add(node);
        }
        assertEquals(3, owners.size(), "twelve apps use all three masters");
    }

    @Test
    void scripts_compareAndInvalidateAndRelease_runOnTheSlotOwner() {
        RedisTokenStore a = store();
        RedisTokenStore b = store();
        String key = "access_token:wwcorp:fedcba9876543210";
        a.put(key, token("tok-A"));

        assertFalse(b.invalidate(key, "tok-old"));
        assertEquals("tok-A", b.get(key).orElseThrow().value());
        assertTrue(b.invalidate(key, "tok-A"));
        assertEquals(Optional.empty(), a.get(key));

        RefreshLease lease = a.tryAcquireLease(key, Duration.ofSeconds(10)).orElseThrow();
        assertTrue(b.tryAcquireLease(key, Duration.ofSeconds(10)).isEmpty());
        lease.close();
        assertTrue(b.tryAcquireLease(key, Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void awaitToken_isWokenByAPutThroughTheCluster() throws Exception {
        RedisTokenStore waiter = store(RedisTokenStore.builder().pollInterval(Duration.ofMinutes(1)));
        RedisTokenStore winner = store();
        String key = "access_token:wwcorp:00112233aabbccdd";
        CompletableFuture<Optional<AccessToken>> waited =
                StoreCalls.awaitAsync(waiter, key, null, Duration.ofMinutes(1), pool);
        String channel = "wecomkit:{" + key + "}:stored";
        Eventually.await("waiter subscribed", Duration.ofSeconds(10), () -> NODE_COMMANDS.stream()
                .mapToLong(c -> c.pubsubNumsub(channel).get(channel)).sum() == 1);

        winner.put(key, token("tok-W"));

        assertEquals("tok-W", waited.get(5, TimeUnit.SECONDS).orElseThrow().value());
    }

    @Test
    void coldFleetOnCluster_callsGettokenOnce() throws Exception {
        WireMockServer wecom = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wecom.start();
        try {
            wecom.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(
                    "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"tok-cluster\",\"expires_in\":7200}")
                    .withFixedDelay(50)));
            wecom.stubFor(get(urlPathEqualTo("/cgi-bin/miniprogram/jscode2session")).willReturn(okJson(
                    "{\"errcode\":0,\"errmsg\":\"ok\",\"corpid\":\"wwcluster\",\"userid\":\"lisi\","
                            + "\"session_key\":\"c2Vzc2lvbg==\"}")));
            List<WeComClient> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(WeComClient.builder().corpId("wwcluster").secret("cluster-secret-0123456789")
                        .baseUrl(wecom.baseUrl()).tokenStore(store()).clock(clock)
                        .retryPolicy(RetryPolicy.none()).build());
            }
            CyclicBarrier barrier = new CyclicBarrier(32);
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                WeComClient client = clients.get(i % 4);
                String code = "code-" + i;
                logins.add(pool.submit(() -> {
                    barrier.await();
                    return client.login(code).userId();
                }));
            }
            for (Future<String> login : logins) {
                assertEquals("lisi", login.get(30, TimeUnit.SECONDS));
            }

            assertEquals(1, wecom.countRequestsMatching(
                    getRequestedFor(urlPathEqualTo("/cgi-bin/gettoken")).build()).getCount());
        } finally {
            wecom.stop();
        }
    }
}
