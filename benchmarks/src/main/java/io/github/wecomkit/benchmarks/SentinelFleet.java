package io.github.wecomkit.benchmarks;

import io.github.wecomkit.redis.RedisStoreException;
import io.github.wecomkit.redis.RedisTokenStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import redis.embedded.RedisSentinel;
import redis.embedded.RedisServer;

/**
 * wecomkit's fleet on Redis Sentinel beside a standalone Redis: the cold fleet on each, then master kills under a
 * steady login load, timing the promotion and the moment every instance's store works on the new master (from
 * then on a refresh is shared again). A master, a replica and three Sentinels, real processes on loopback.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.github.wecomkit.benchmarks.SentinelFleet   # this part alone
 * }</pre>
 */
final class SentinelFleet {
    static final String MASTER = "mymaster";
    /** Sentinel's down-after time here; production setups often use 5–30 s, and the promotion grows with it. */
    static final Duration DOWN_AFTER = Duration.ofSeconds(1);
    /**
     * A Sentinel starts no fail-over of a master within twice this after its last one (or its last vote), so a
     * master killed again soon waits that long; Sentinel's default is 3 minutes. Short here, as kills follow
     * each other within seconds.
     */
    static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(3);
    static final int FAILOVERS = 5;
    private static final int CLIENTS = 4;

    private final StubWeCom stub;
    private final String standaloneUri;
    private final int fleetTrials;
    private final StringBuilder report;
    private final Map<String, Double> figures;

    SentinelFleet(StubWeCom stub, String standaloneUri, int fleetTrials, StringBuilder report,
                  Map<String, Double> figures) {
        this.stub = stub;
        this.standaloneUri = standaloneUri;
        this.fleetTrials = fleetTrials;
        this.report = report;
        this.figures = figures;
    }

    public static void main(String[] args) throws Exception {
        StubWeCom.configureJdkHttpServer();
        StringBuilder report = new StringBuilder();
        try (StubWeCom stub = StubWeCom.start(); RedisProcess redis = RedisProcess.start()) {
            new SentinelFleet(stub, redis.uri(), 3, report, new java.util.LinkedHashMap<>()).run();
        }
        System.out.println(report);
        System.exit(0); // Netty leaves non-daemon threads behind
    }

    void run() throws Exception {
        try (Group group = Group.start()) {
            report.append("\n## Redis Sentinel beside standalone Redis\n\n");
            report.append("A master, a replica and three Sentinels (quorum 2, down-after ")
                    .append(DOWN_AFTER.toMillis()).append(" ms) on loopback; each client its own store"
                            + " (`RedisTokenStore.create(\"redis-sentinel://…#mymaster\")`, defaults).\n\n");
            report.append("| store | clients × threads | gettoken calls (per trial) | ms for all 64 logins (median) |"
                    + " errors |\n|---|---|---|---:|---:|\n");
            coldFleet("standalone", standaloneUri, () -> flush(standaloneUri));
            coldFleet("Sentinel", group.uri(), group::flushMaster);
            failovers(group);
        }
    }

    private void coldFleet(String name, String uri, Runnable flush) throws Exception {
        List<Fleet.Result> trials = new ArrayList<>();
        for (int trial = 0; trial < fleetTrials; trial++) {
            flush.run();
            stub.reset();
            stub.tokenLatency(Benchmarks.FLEET_TOKEN_LATENCY);
            List<Contender> fleet = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                RedisTokenStore store = RedisTokenStore.create(uri);
                fleet.add(WeComKitContender.withStore("wecomkit (" + name + ")", stub.baseUrl(), store, store));
            }
            trials.add(Fleet.coldStart(stub, fleet, 16));
            for (Contender c : fleet) {
                c.close();
            }
        }
        stub.reset();
        double[] millis = trials.stream().mapToDouble(Fleet.Result::millisForAll).sorted().toArray();
        String calls = trials.stream().map(t -> Long.toString(t.tokenCalls())).collect(Collectors.joining(", "));
        long errors = trials.stream().mapToLong(Fleet.Result::errors).sum();
        figures.put("sentinel fleet gettoken max " + name,
                (double) trials.stream().mapToLong(Fleet.Result::tokenCalls).max().orElse(-1));
        report.append(String.format(Locale.ROOT, "| %s | %d × 16 | %s | %.0f | %d |%n", name, CLIENTS, calls,
                millis[millis.length / 2], errors));
        System.out.printf(Locale.ROOT, "sentinel bench: cold fleet %s gettoken=[%s] ms=%s%n", name, calls,
                Arrays.toString(millis));
    }

    /**
     * Kills the master {@link #FAILOVERS} times under 4 × 2 threads of steady logins: when the Sentinels name the
     * new master, and when every one of the four stores has answered a read from it.
     */
    private void failovers(Group group) throws Exception {
        report.append("\n### Master killed (SIGKILL) under a steady login load\n\n");
        report.append("| fail-over | kill → promoted (ms) | promoted → every store on the new master (ms) |"
                + " kill → shared again (ms) | logins during the fail-over | failed logins | gettoken calls |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        stub.reset();
        List<RedisTokenStore> stores = new ArrayList<>();
        List<Contender> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            RedisTokenStore store = RedisTokenStore.create(group.uri());
            stores.add(store);
            clients.add(WeComKitContender.withStore("wecomkit (Sentinel)", stub.baseUrl(), store, store));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong logins = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < CLIENTS * 2; t++) {
            Contender c = clients.get(t % CLIENTS);
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        c.login("sentinel-code");
                        logins.incrementAndGet();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }, "sentinel-load");
            thread.setDaemon(true);
            thread.start();
            load.add(thread);
        }
        long worstShared = 0;
        long totalFailures = 0;
        try {
            await(() -> logins.get() > 100, Duration.ofSeconds(30));
            long lastPromotion = 0;
            for (int n = 1; n <= FAILOVERS; n++) {
                // Each kill measures a fail-over the Sentinels may start at once: none within twice the
                // failover-timeout of the last one (that wait is Sentinel's rule, described in the report).
                long quiet = lastPromotion + FAILOVER_TIMEOUT.multipliedBy(2).plusSeconds(1).toNanos();
                while (lastPromotion != 0 && System.nanoTime() - quiet < 0) {
                    Thread.sleep(50);
                }
                long loginsBefore = logins.get();
                long failuresBefore = failures.get();
                long tokensBefore = stub.tokenCalls();
                int oldMaster = group.masterPort();
                long killed = System.nanoTime();
                RedisServer dead = group.killMaster();
                await(() -> group.masterPort() != oldMaster, Duration.ofSeconds(60));
                long promoted = System.nanoTime();
                lastPromotion = promoted;
                for (RedisTokenStore store : stores) {
                    await(() -> answers(store), Duration.ofSeconds(60));
                }
                long shared = System.nanoTime();
                long during = logins.get() - loginsBefore;
                long failed = failures.get() - failuresBefore;
                long sharedMillis = (shared - killed) / 1_000_000;
                worstShared = Math.max(worstShared, sharedMillis);
                totalFailures += failed;
                report.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %,d | %d | %d |%n", n,
                        (promoted - killed) / 1_000_000, (shared - promoted) / 1_000_000, sharedMillis, during,
                        failed, stub.tokenCalls() - tokensBefore));
                System.out.printf(Locale.ROOT, "sentinel bench: fail-over %d promoted %d ms, shared again %d ms,"
                        + " %d logins, %d failed%n", n, (promoted - killed) / 1_000_000, sharedMillis, during, failed);
                group.rejoin(dead);
            }
        } finally {
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
            for (Contender c : clients) {
                c.close();
            }
        }
        figures.put("sentinel failed logins", (double) totalFailures);
        figures.put("sentinel shared again ms max", (double) worstShared);
        report.append("\nTokens are served from each client's memory while the store fails over, so no login"
                + " waits for Redis and no gettoken is needed unless a refresh falls into the gap. \"Shared again\""
                + " is the moment every store has read from the new master: Sentinel's down-after time ("
                + DOWN_AFTER.toMillis() + " ms) plus its election, plus at most the store's 1 s reconnect back-off."
                + " A Sentinel starts no new fail-over of the same master within twice its failover-timeout ("
                + FAILOVER_TIMEOUT.toSeconds() + " s here, 3 min by default) of its last one or its last vote, so"
                + " a second kill soon after a fail-over waits that long; the kills here are spaced beyond it.\n");
    }

    private static boolean answers(RedisTokenStore store) {
        try {
            store.get("access_token:wwbench:0000000000000000");
            return true;
        } catch (RedisStoreException e) {
            return false;
        }
    }

    private static void flush(String uri) {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushall();
        } finally {
            client.shutdown();
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("not within " + timeout);
            }
            Thread.sleep(2); // polling a real process's state; 2 ms is the resolution of the figures
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The processes: two data nodes (one master), three Sentinels; killed nodes rejoin as replicas. */
    private static final class Group implements AutoCloseable {
        private final List<RedisServer> nodes = new ArrayList<>();
        private final List<Integer> nodePorts = new ArrayList<>();
        private final List<RedisSentinel> sentinels = new ArrayList<>();
        private final List<Integer> sentinelPorts = new ArrayList<>();
        private final RedisClient admin = RedisClient.create();
        private StatefulRedisSentinelConnection<String, String> sentinel;

        static Group start() throws Exception {
            Group g = new Group();
            try {
                int master = freePort();
                g.startNode(master, null);
                g.startNode(freePort(), master);
                for (int i = 0; i < 3; i++) {
                    int port = freePort();
                    RedisSentinel s = RedisSentinel.newRedisSentinel().bind("127.0.0.1").port(port)
                            .masterName(MASTER).masterPort(master).quorumSize(2)
                            .downAfterMilliseconds(DOWN_AFTER.toMillis())
                            .failOverTimeout(FAILOVER_TIMEOUT.toMillis()).parallelSyncs(1)
                            .onShutdownForceStop(true).build();
                    s.start();
                    g.sentinels.add(s);
                    g.sentinelPorts.add(port);
                }
                g.sentinel = g.admin.connectSentinel(RedisURI.create("redis://127.0.0.1:" + g.sentinelPorts.get(0)));
                g.awaitHealthy();
                return g;
            } catch (Exception e) {
                g.close();
                throw e;
            }
        }

        private RedisServer startNode(int port, Integer masterPort) throws IOException {
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                    .setting("appendonly no").onShutdownForceStop(true);
            if (masterPort != null) {
                builder.setting("replicaof 127.0.0.1 " + masterPort);
            }
            RedisServer node = builder.build();
            node.start();
            int i = nodePorts.indexOf(port);
            if (i >= 0) {
                nodes.set(i, node);
            } else {
                nodes.add(node);
                nodePorts.add(port);
            }
            return node;
        }

        String uri() {
            return "redis-sentinel://" + sentinelPorts.stream().map(p -> "127.0.0.1:" + p)
                    .collect(Collectors.joining(",")) + "#" + MASTER;
        }

        int masterPort() {
            try {
                return ((InetSocketAddress) sentinel.sync().getMasterAddrByName(MASTER)).getPort();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        void flushMaster() {
            flush("redis://127.0.0.1:" + masterPort());
        }

        RedisServer killMaster() throws IOException {
            RedisServer master = nodes.get(nodePorts.indexOf(masterPort()));
            master.stop(); // onShutdownForceStop: SIGKILL
            return master;
        }

        void rejoin(RedisServer dead) throws Exception {
            int port = nodePorts.get(nodes.indexOf(dead));
            startNode(port, masterPort());
            awaitHealthy();
        }

        /** Every Sentinel knows the other two and the master's replica, in sync: a fail-over can happen. */
        private void awaitHealthy() throws InterruptedException {
            await(() -> {
                for (int port : sentinelPorts) {
                    try (StatefulRedisSentinelConnection<String, String> c = admin.connectSentinel(
                            RedisURI.create("redis://127.0.0.1:" + port))) {
                        Map<String, String> m = c.sync().master(MASTER);
                        if (!"2".equals(m.get("num-other-sentinels")) || !"master".equals(m.get("flags"))
                                || c.sync().replicas(MASTER).stream().noneMatch(r -> "slave".equals(r.get("flags"))
                                && "ok".equals(r.get("master-link-status")))) {
                            return false;
                        }
                    } catch (RuntimeException e) {
                        return false;
                    }
                }
                return true;
            }, Duration.ofSeconds(60));
        }

        @Override
        public void close() {
            if (sentinel != null) {
                sentinel.close();
            }
            admin.shutdown();
            for (RedisSentinel s : sentinels) {
                try {
                    s.stop();
                } catch (IOException e) {
                    // exiting anyway
                }
            }
            for (RedisServer n : nodes) {
                try {
                    n.stop();
                } catch (IOException e) {
                    // exiting anyway
                }
            }
        }
    }
}
