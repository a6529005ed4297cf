package io.github.wecomkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A master, a replica and three Sentinels (quorum 2), all real {@code redis-server} processes on loopback: what a
 * company runs when it runs Redis with automatic fail-over. A test that kills the master closes the group after it;
 * the next test starts a fresh one.
 */
final class SentinelGroup implements AutoCloseable {
    static final String MASTER = "mymaster";
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final List<RedisServerProcess> nodes = new ArrayList<>();
    private final List<RedisServerProcess> sentinels = new ArrayList<>();
    private final Duration downAfter;
    private final RedisClient admin = RedisClient.create();
    private final Map<Integer, StatefulRedisConnection<String, String>> nodeConnections = new LinkedHashMap<>();
    private final List<StatefulRedisSentinelConnection<String, String>> sentinelConnections = new ArrayList<>();

    private SentinelGroup(Duration downAfter) {
        this.downAfter = downAfter;
    }

    /** Starts the group and waits until every Sentinel knows the replica and the two other Sentinels. */
    static SentinelGroup start(Duration downAfter) {
        SentinelGroup group = new SentinelGroup(downAfter);
        try {
            RedisServerProcess master = RedisServerProcess.start();
            group.nodes.add(master);
            group.nodes.add(RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            for (int i = 0; i < 3; i++) {
                RedisServerProcess sentinel = RedisServerProcess.startSentinel(MASTER, master.port(), 2, downAfter);
                group.sentinels.add(sentinel);
                group.sentinelConnections.add(group.admin.connectSentinel(
                        io.lettuce.core.RedisURI.create("redis://127.0.0.1:" + sentinel.port())));
            }
            group.awaitHealthy(master.port());
            return group;
        } catch (RuntimeException | Error e) {
            group.close();
            throw e;
        }
    }

    /** The store's URI: every Sentinel, and the master's name. */
    String uri() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(",")) + "#" + MASTER;
    }

    /** The port every Sentinel reports as the master's. */
    int masterPort() {
        return ((InetSocketAddress) sentinel(0).getMasterAddrByName(MASTER)).getPort();
    }

    RedisServerProcess master() {
        int port = masterPort();
        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    }

    RedisServerProcess replica() {
        int port = masterPort();
        return nodes.stream().filter(n -> n.port() != port).findFirst().orElseThrow();
    }

    /** Commands on one data node, bypassing the Sentinels. */
    synchronized RedisCommands<String, String> node(RedisServerProcess node) {
        StatefulRedisConnection<String, String> c = nodeConnections.get(node.port());
        if (c == null || !c.isOpen()) {
            c = admin.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:" + node.port()));
            nodeConnections.put(node.port(), c);
        }
        return c.sync();
    }

    RedisSentinelCommands<String, String> sentinel(int i) {
        return sentinelConnections.get(i).sync();
    }

    /**
     * Makes the Sentinels wait a minute before they call a dead master down, so that a test can hold the gap
     * between the master's death and the promotion open for as long as it needs.
     */
    void holdFailover() {
        for (int i = 0; i < sentinels.size(); i++) {
            sentinel(i).set(MASTER, "down-after-milliseconds", "60000");
        }
    }

    /** Back to the configured down-after time: a master that is already dead is promoted away from at once. */
    void releaseFailover() {
        for (int i = 0; i < sentinels.size(); i++) {
            sentinel(i).set(MASTER, "down-after-milliseconds", Long.toString(downAfter.toMillis()));
        }
    }

    /** Kills the master with SIGKILL; returns it, to {@link #rejoin} it later. */
    RedisServerProcess killMaster() {
        RedisServerProcess master = master();
        synchronized (this) {
            StatefulRedisConnection<String, String> c = nodeConnections.remove(master.port());
            if (c != null) {
                c.closeAsync();
            }
        }
        master.kill();
        return master;
    }

    /** Waits until every Sentinel names another master than {@code oldPort}; returns the new master's port. */
    int awaitPromotion(int oldPort, Duration timeout) {
        Eventually.await("a replica promoted by every Sentinel", timeout, () -> {
            for (int i = 0; i < sentinels.size(); i++) {
                try {
                    if (((InetSocketAddress) sentinel(i).getMasterAddrByName(MASTER)).getPort() == oldPort) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            }
            return true;
        });
        return masterPort();
    }

    private void awaitHealthy(int masterPort) {
        try {
            Eventually.await("replica in sync and known to every Sentinel", SETTLE.dividedBy(3),
                    () -> healthy(masterPort));
        } catch (AssertionError stale) {
            // A Sentinel can keep a stale view of the replicas after a fail-over with lost writes; RESET makes it
            // rediscover them from the master, as an operator would.
            for (int i = 0; i < sentinels.size(); i++) {
                try {
                    sentinel(i).reset(MASTER);
                } catch (RuntimeException ignored) {
                    // the next check says whether the group is whole
                }
            }
            try {
                Eventually.await("replica in sync and known to every Sentinel after SENTINEL RESET", SETTLE,
                        () -> healthy(masterPort));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + logs(), e);
            }
        }
    }

    private boolean healthy(int masterPort) {
        {
            for (RedisServerProcess node : nodes) {
                if (node.port() != masterPort
                        && !node(node).info("replication").contains("master_link_status:up")) {
                    return false;
                }
            }
            for (int i = 0; i < sentinels.size(); i++) {
                try {
                    Map<String, String> m = sentinel(i).master(MASTER);
                    if (Integer.parseInt(m.get("port")) != masterPort || !"2".equals(m.get("num-other-sentinels"))
                            || !m.get("flags").equals("master")) {
                        return false;
                    }
                    List<Map<String, String>> replicas = sentinel(i).replicas(MASTER);
                    if (replicas.stream().noneMatch(r -> "slave".equals(r.get("flags"))
                            && "ok".equals(r.get("master-link-status")))) {
                        return false;
                    }
                } catch (RuntimeException e) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The logs of every process, for a failure message. */
    String logs() {
        StringBuilder out = new StringBuilder();
        for (RedisServerProcess p : nodes) {
            out.append("--- node ").append(p.port()).append('\n').append(p.log());
        }
        for (RedisServerProcess p : sentinels) {
            out.append("--- sentinel ").append(p.port()).append('\n').append(p.log());
        }
        return out.toString();
    }

    @Override
    public void close() {
        nodeConnections.values().forEach(StatefulRedisConnection::closeAsync);
        sentinelConnections.forEach(StatefulRedisSentinelConnection::closeAsync);
        admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        sentinels.forEach(RedisServerProcess::close);
        nodes.forEach(RedisServerProcess::close);
    }
}
