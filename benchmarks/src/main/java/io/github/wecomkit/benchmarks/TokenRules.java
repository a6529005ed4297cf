package io.github.wecomkit.benchmarks;

import io.github.wecomkit.redis.RedisTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The token lifecycle against WeCom's own token rules: a fleet of 4 instances x 16 threads across several
 * refreshes of a short-lived token, under both answers WeCom may give to a repeated gettoken (the same token with
 * its validity restarted, WeCom's documented rule, and a new token every time); and 100 logins that all fail
 * because the token's app may not call jscode2session (WeCom answers 40014 to every call, however fresh).
 */
final class TokenRules {
    static final Duration TOKEN_LATENCY = Duration.ofMillis(100);
    /** 10 s tokens: the client's margins scale to 1 s and 2.5 s, so the fleet refreshes every ~6.5 s. */
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(10);
    static final int INSTANCES = 4;
    static final int THREADS_PER_INSTANCE = 16;
    static final int FAILING_LOGINS = 100;

    private final Benchmarks.Plan plan;
    private final StubWeCom stub;
    private final String redisUri;
    private final StringBuilder report;
    private final Map<String, Double> figures;

    TokenRules(Benchmarks.Plan plan, StubWeCom stub, String redisUri, StringBuilder report,
               Map<String, Double> figures) {
        this.plan = plan;
        this.stub = stub;
        this.redisUri = redisUri;
        this.report = report;
        this.figures = figures;
    }

    void run() throws Exception {
        report.append("\n## Fleet refreshes under WeCom's token rules (").append(INSTANCES).append(" × ")
                .append(THREADS_PER_INSTANCE).append(" threads, each logging in every 20 ms for ")
                .append(plan.boundaryLength().toSeconds()).append(" s; tokens live ")
                .append(TOKEN_LIFETIME.toSeconds()).append(" s; gettoken delayed ").append(TOKEN_LATENCY.toMillis())
                .append(" ms; goal: 1 gettoken per refresh, 0 calls waited)\n\n");
        report.append("| contender | gettoken answers | refreshes | gettoken calls | per refresh | calls | calls that"
                + " waited ≥ ").append(TOKEN_LATENCY.toMillis()).append(" ms | errors |\n");
        report.append("|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (boolean same : new boolean[] {true, false}) {
            String answers = same ? "same token within validity" : "new token every call";
            refreshRow("wecomkit (in-memory, one store)", answers, same, () -> sharedInMemory());
            if (redisUri != null) {
                refreshRow("wecomkit (Redis)", answers, same, this::onRedis);
            }
        }
        report.append("\n## A token WeCom rejects as soon as it is fetched (").append(FAILING_LOGINS)
                .append(" logins, every jscode2session answers 40014; goal: gettoken stays bounded)\n\n");
        report.append("| contender | gettoken answers | gettoken calls for ").append(FAILING_LOGINS)
                .append(" failing logins |\n|---|---|---:|\n");
        for (boolean same : new boolean[] {true, false}) {
            String answers = same ? "same token within validity" : "new token every call";
            rejectionRow("wecomkit (in-memory)", answers, same, WeComKitContender.inMemory(stub.baseUrl()));
            rejectionRow("WxJava 4.7 (in-memory)", answers, same, WxJavaContender.inMemory(stub.baseUrl()));
        }
    }

    private List<Contender> sharedInMemory() {
        io.github.wecomkit.token.InMemoryTokenStore store = new io.github.wecomkit.token.InMemoryTokenStore();
        List<Contender> fleet = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            fleet.add(WeComKitContender.withStore("wecomkit (in-memory, one store)", stub.baseUrl(), store, null));
        }
        return fleet;
    }

    private List<Contender> onRedis() {
        List<Contender> fleet = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            RedisTokenStore store = RedisTokenStore.create(redisUri);
            fleet.add(WeComKitContender.withStore("wecomkit (Redis)", stub.baseUrl(), store, store));
        }
        return fleet;
    }

    private interface FleetFactory {
        List<Contender> create() throws Exception;
    }

    private void refreshRow(String name, String answers, boolean same, FleetFactory factory) throws Exception {
        stub.reset();
        stub.sameTokenWithinValidity(same);
        stub.tokenLatency(TOKEN_LATENCY);
        stub.expiresIn(TOKEN_LIFETIME);
        List<Contender> fleet = factory.create();
        FleetRefreshes.Result r;
        try {
            r = FleetRefreshes.run(stub, fleet, THREADS_PER_INSTANCE, Duration.ofMillis(20), plan.boundaryLength(),
                    TOKEN_LATENCY);
        } finally {
            for (Contender c : fleet) {
                c.close();
            }
            stub.reset();
        }
        if (r.firstError() != null) {
            System.out.println(name + " fleet refresh error: " + r.firstError());
        }
        System.out.println("fleet refreshes " + name + " (" + answers + "): " + r);
        String key = name + " / " + answers;
        figures.put("refresh gettoken per refresh " + key, r.gettokenPerRefresh());
        figures.put("refresh waited " + key, (double) r.waited() + r.errors());
        report.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %d | %d | %d |%n", name, answers,
                r.refreshes(), r.tokenCallsAfterCold(), r.gettokenPerRefresh(), r.calls(), r.waited(), r.errors()));
    }

    private void rejectionRow(String name, String answers, boolean same, Contender client) throws Exception {
        stub.reset();
        stub.sameTokenWithinValidity(same);
        stub.refuseTokens(true);
        long calls;
        try {
            calls = FleetRefreshes.persistentRejection(stub, client, FAILING_LOGINS);
        } finally {
            client.close();
            stub.reset();
        }
        System.out.println("persistent 40014 " + name + " (" + answers + "): " + calls + " gettoken calls");
        figures.put("rejection gettoken " + name + " / " + answers, (double) calls);
        report.append(String.format(Locale.ROOT, "| %s | %s | %d |%n", name, answers, calls));
    }

    /** Adds this part's goals to the goals table. */
    static void goals(Map<String, Double> figures, GoalSink sink) {
        for (Map.Entry<String, Double> e : figures.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("refresh gettoken per refresh ")) {
                String row = key.substring("refresh gettoken per refresh ".length());
                double perRefresh = e.getValue();
                double waited = figures.get("refresh waited " + row);
                sink.goal("1 gettoken per refresh and 0 waits, " + row,
                        String.format(Locale.ROOT, "%.2f per refresh, %.0f waited", perRefresh, waited),
                        perRefresh == 1.0 && waited == 0);
            } else if (key.startsWith("rejection gettoken wecomkit")) {
                String row = key.substring("rejection gettoken ".length());
                sink.goal("≤ 4 gettoken for " + FAILING_LOGINS + " logins rejected with 40014, " + row,
                        String.format(Locale.ROOT, "%.0f", e.getValue()), e.getValue() <= 4);
            }
        }
    }

    /** Where a goal row goes. */
    @FunctionalInterface
    interface GoalSink {
        void goal(String goal, String measured, boolean met);
    }
}
