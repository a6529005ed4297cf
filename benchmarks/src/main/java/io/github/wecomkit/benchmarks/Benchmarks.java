package io.github.wecomkit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import io.github.wecomkit.redis.RedisTokenStore;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The whole benchmark in one JVM: throughput and latency of {@code login} and {@code getUser} for each contender,
 * interleaved round by round; cold fleets; the refresh boundary; the runtime footprint. Writes a Markdown report.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar                 # full run, ~7 minutes
 * java -jar benchmarks/target/benchmarks.jar --smoke         # one second per contender
 * java -jar benchmarks/target/benchmarks.jar --no-redis      # without redis-server
 * java -jar benchmarks/target/benchmarks.jar --token-rules   # only the fleet refreshes and persistent 40014
 * java -jar benchmarks/target/benchmarks.jar --async         # only async vs blocking at 8 and 1,000 callers
 * }</pre>
 */
public final class Benchmarks {

    static final int THREADS = 8;
    static final Duration FLEET_TOKEN_LATENCY = Duration.ofMillis(50);
    static final Duration BOUNDARY_TOKEN_LATENCY = Duration.ofMillis(300);
    static final Duration BOUNDARY_TOKEN_LIFETIME = Duration.ofSeconds(20);

    /** How long each part runs. */
    record Plan(int warmupRounds, Duration warmupRound, int rounds, Duration round, int fleetTrials,
                Duration boundaryLength, boolean redis) {

        static Plan full() {
            return new Plan(3, Duration.ofSeconds(3), 7, Duration.ofSeconds(3), 3, Duration.ofSeconds(26), true);
        }

        static Plan smoke() {
            return new Plan(0, Duration.ZERO, 1, Duration.ofSeconds(1), 1, Duration.ofSeconds(2), false);
        }
    }

    private enum Operation { LOGIN, GET_USER }

    private final Plan plan;
    private final StubWeCom stub;
    private final String redisUri;
    private final StringBuilder report = new StringBuilder();
    /** Figures the goals are checked against, by name ("login ops wecomkit (in-memory)", ...). */
    private final Map<String, Double> figures = new LinkedHashMap<>();

    private Benchmarks(Plan plan, StubWeCom stub, String redisUri) {
        this.plan = plan;
        this.stub = stub;
        this.redisUri = redisUri;
    }

    public static void main(String[] args) throws Exception {
        // Read once when the JDK's server classes load: this must precede everything else.
        StubWeCom.configureJdkHttpServer();
        List<String> options = Arrays.asList(args);
        Plan plan = options.contains("--smoke") ? Plan.smoke() : Plan.full();
        plan = new Plan(plan.warmupRounds(), plan.warmupRound(), plan.rounds(), plan.round(),
                plan.fleetTrials(), plan.boundaryLength(), !options.contains("--no-redis"));
        if (options.contains("--profile")) {
            // --profile <contender name prefix> <login|getUser> <seconds>: one contender alone, for a profiler.
            int at = options.indexOf("--profile");
            profile(options.get(at + 1), options.get(at + 2), Integer.parseInt(options.get(at + 3)));
            System.exit(0);
        }
        if (options.contains("--compare")) {
            // --compare <name prefix A> <name prefix B> <login|getUser> <rounds>: A/B, 2 s each, alternating.
            int at = options.indexOf("--compare");
            compare(options.get(at + 1), options.get(at + 2), options.get(at + 3),
                    Integer.parseInt(options.get(at + 4)));
            System.exit(0);
        }
        if (options.contains("--async")) {
            // --async: only async vs blocking logins at 8 and 1,000 callers (about 2 minutes; --smoke: 8 s).
            System.out.println(AsyncThroughput.runAlone(plan));
            System.exit(0);
        }
        if (options.contains("--token-rules")) {
            // --token-rules: only the fleet refreshes and the persistent 40014 case (about 2 minutes).
            System.out.println(runTokenRules(plan));
            System.exit(0);
        }
        Path out = options.indexOf("--out") >= 0 ? Path.of(options.get(options.indexOf("--out") + 1))
                : defaultReportPath();
        String report = run(plan);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("Report written to " + out.toAbsolutePath());
        // Netty and Redisson leave non-daemon threads behind.
        System.exit(0);
    }

    /** Runs everything the plan asks for and returns the Markdown report. */
    static String run(Plan plan) throws Exception {
        long started = System.nanoTime();
        try (StubWeCom stub = StubWeCom.start();
             RedisProcess redis = plan.redis() ? RedisProcess.start() : null) {
            Benchmarks benchmarks = new Benchmarks(plan, stub, redis == null ? null : redis.uri());
            benchmarks.header();
            benchmarks.throughput();
            benchmarks.listenerOverhead();
            new AsyncThroughput(benchmarks.plan, stub, benchmarks.report, benchmarks.figures).run();
            benchmarks.fleets();
            if (redis != null) {
                new SentinelFleet(stub, redis.uri(), plan.fleetTrials(), benchmarks.report, benchmarks.figures).run();
            }
            benchmarks.boundary();
            new TokenRules(benchmarks.plan, stub, benchmarks.redisUri, benchmarks.report, benchmarks.figures).run();
            benchmarks.footprint();
            benchmarks.goals();
            benchmarks.report.append(String.format(Locale.ROOT, "%nTotal run time: %.0f s.%n",
                    (System.nanoTime() - started) / 1e9));
            return benchmarks.report.toString();
        }
    }

    private static String runTokenRules(Plan plan) throws Exception {
        try (StubWeCom stub = StubWeCom.start();
             RedisProcess redis = plan.redis() ? RedisProcess.start() : null) {
            Benchmarks benchmarks = new Benchmarks(plan, stub, redis == null ? null : redis.uri());
            new TokenRules(plan, stub, benchmarks.redisUri, benchmarks.report, benchmarks.figures).run();
            benchmarks.goals();
            return benchmarks.report.toString();
        }
    }

    private static void profile(String prefix, String operation, int seconds) throws Exception {
        try (StubWeCom stub = StubWeCom.start()) {
            Benchmarks benchmarks = new Benchmarks(Plan.smoke(), stub, null);
            List<AutoCloseable> resources = new ArrayList<>();
            Contender contender = benchmarks.throughputContenders(resources).stream()
                    .filter(c -> c.name().startsWith(prefix)).findFirst().orElseThrow();
            Operation op = operation.equals("login") ? Operation.LOGIN : Operation.GET_USER;
            for (int second = 0; second < seconds; second++) {
                LoadRunner.Result result = LoadRunner.run(call(contender, op), THREADS, Duration.ofSeconds(1));
                System.out.printf(Locale.ROOT, "%s %s %,.0f ops/s%n", contender.name(), op, result.opsPerSecond());
            }
        }
    }

    private static void compare(String prefixA, String prefixB, String operation, int rounds) throws Exception {
        try (StubWeCom stub = StubWeCom.start()) {
            Benchmarks benchmarks = new Benchmarks(Plan.smoke(), stub, null);
            List<Contender> all = benchmarks.throughputContenders(new ArrayList<>());
            Contender a = all.stream().filter(c -> c.name().startsWith(prefixA)).findFirst().orElseThrow();
            Contender b = all.stream().filter(c -> c.name().startsWith(prefixB)).findFirst().orElseThrow();
            Operation op = operation.equals("login") ? Operation.LOGIN : Operation.GET_USER;
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                LoadRunner.Result resultA = LoadRunner.run(call(a, op), THREADS, Duration.ofSeconds(2));
                LoadRunner.Result resultB = LoadRunner.run(call(b, op), THREADS, Duration.ofSeconds(2));
                double opsA = resultA.opsPerSecond();
                double opsB = resultB.opsPerSecond();
                ratios.add(opsB / opsA);
                cpuRatios.add(resultB.clientCpuMicrosPerCall() / resultA.clientCpuMicrosPerCall());
                System.out.printf(Locale.ROOT, "round %2d  %s %,.0f (%.1f µs CPU)  %s %,.0f (%.1f µs CPU)  B/A %.3f%n",
                        round + 1, a.name(), opsA, resultA.clientCpuMicrosPerCall(), b.name(), opsB,
                        resultB.clientCpuMicrosPerCall(), opsB / opsA);
            }
            List<Double> measured = new ArrayList<>(ratios.subList(rounds / 3, rounds));
            measured.sort(null);
            List<Double> cpuMeasured = new ArrayList<>(cpuRatios.subList(rounds / 3, rounds));
            cpuMeasured.sort(null);
            System.out.printf(Locale.ROOT, "median B/A after warm-up (%d rounds): ops %.3f, client CPU per call %.3f%n",
                    measured.size(), measured.get(measured.size() / 2), cpuMeasured.get(cpuMeasured.size() / 2));
        }
    }

    private static Path defaultReportPath() {
        String version = Integer.toString(Runtime.version().feature());
        try {
            Path self = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return self.getParent().resolve("benchmark-results-jdk" + version + ".md");
        } catch (Exception e) {
            return Path.of("benchmark-results-jdk" + version + ".md");
        }
    }

    private void header() {
        report.append("# wecomkit benchmark results\n\n");
        report.append("- date: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC\n");
        report.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores")
                .append(cpuModel()).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", max heap ").append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MB\n");
        report.append("- JDK: ").append(System.getProperty("java.vm.vendor")).append(' ')
                .append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        report.append("- load: ").append(THREADS).append(" client threads, stub WeCom on loopback (JDK HttpServer,"
                + " TCP_NODELAY), ").append(plan.warmupRounds()).append(" warm-up rounds of ")
                .append(plan.warmupRound().toSeconds()).append(" s and ").append(plan.rounds())
                .append(" measured rounds of ").append(plan.round().toSeconds())
                .append(" s per contender and operation, interleaved (each round rotates the order)\n");
        report.append("- Numbers from a shared machine count only as ratios within this run.\n");
    }

    private static String cpuModel() {
        try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> " (" + line.substring(line.indexOf(':') + 1).trim() + ")").orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    // ---------------------------------------------------------------- throughput

    private List<Contender> throughputContenders(List<AutoCloseable> resources) {
        String base = stub.baseUrl();
        List<Contender> contenders = new ArrayList<>();
        contenders.add(new HttpClientBaseline(base));
        contenders.add(new UrlConnectionBaseline(base));
        contenders.add(WxJavaContender.inMemory(base));
        contenders.add(WeComKitContender.inMemory(base));
        if (redisUri != null) {
            contenders.add(wecomkitOnRedis());
            RedissonClient redisson = redisson();
            resources.add(redisson::shutdown);
            contenders.add(WxJavaContender.redisson(base, redisson));
        }
        return contenders;
    }

    private void throughput() throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        List<Contender> contenders = throughputContenders(resources);
        Map<String, Map<Operation, List<LoadRunner.Result>>> results = new LinkedHashMap<>();
        contenders.forEach(c -> results.put(c.name(), new LinkedHashMap<>()));
        int totalRounds = plan.warmupRounds() + plan.rounds();
        for (int round = 0; round < totalRounds; round++) {
            boolean warmup = round < plan.warmupRounds();
            Duration length = warmup ? plan.warmupRound() : plan.round();
            // Each operation is measured for every contender back to back, so load from outside this JVM
            // drifts little between the numbers that are compared.
            for (Operation operation : Operation.values()) {
                for (int i = 0; i < contenders.size(); i++) {
                    Contender contender = contenders.get((i + round) % contenders.size());
                    LoadRunner.Result result = LoadRunner.run(call(contender, operation), THREADS, length);
                    System.out.printf(Locale.ROOT, "%s round %d %-45s %-8s %,9.0f ops/s errors=%d%n",
                            warmup ? "warm-up" : "measure", round + 1, contender.name(), operation,
                            result.opsPerSecond(), result.errors());
                    if (result.firstError() != null && result.errors() > 0) {
                        System.out.println("  first error: " + result.firstError());
                    }
                    if (!warmup) {
                        results.get(contender.name()).computeIfAbsent(operation, k -> new ArrayList<>())
                                .add(result);
                    }
                }
            }
        }
        for (Contender contender : contenders) {
            contender.close();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        throughputTable(results);
    }

    private static LoadRunner.Call call(Contender contender, Operation operation) {
        return operation == Operation.LOGIN ? () -> contender.login("bench-code")
                : () -> contender.getUser(StubWeCom.USER_ID);
    }

    private void throughputTable(Map<String, Map<Operation, List<LoadRunner.Result>>> results) {
        String baseline = new UrlConnectionBaseline("").name();
        String wxJava = WxJavaContender.inMemory("").name();
        report.append("\n## Throughput and latency (").append(THREADS).append(" threads)\n\n");
        report.append("| contender | op | ops/s (median) | min–max of rounds | p50 µs | p99 µs | client CPU µs/call |"
                + " errors | × HttpURLConnection | × WxJava |\n");
        report.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Operation operation : Operation.values()) {
            double baselineOps = median(results.get(baseline).get(operation));
            double wxJavaOps = median(results.get(wxJava).get(operation));
            for (Map.Entry<String, Map<Operation, List<LoadRunner.Result>>> entry : results.entrySet()) {
                List<LoadRunner.Result> rounds = entry.getValue().get(operation);
                Latencies pooled = new Latencies();
                long errors = 0;
                long calls = 0;
                long cpuNanos = 0;
                double min = Double.MAX_VALUE;
                double max = 0;
                for (LoadRunner.Result round : rounds) {
                    pooled.add(round.latencies());
                    errors += round.errors();
                    calls += round.calls();
                    cpuNanos += round.clientCpuNanos();
                    min = Math.min(min, round.opsPerSecond());
                    max = Math.max(max, round.opsPerSecond());
                }
                double ops = median(rounds);
                figures.put(operation + " ops " + entry.getKey(), ops);
                report.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f–%,.0f | %.0f | %.0f | %.1f | %d |"
                                + " %.2f | %.2f |%n", entry.getKey(), operation == Operation.LOGIN ? "login" : "getUser",
                        ops, min, max, pooled.percentileMicros(0.50), pooled.percentileMicros(0.99),
                        cpuNanos / 1e3 / Math.max(1, calls), errors, ops / baselineOps, ops / wxJavaOps));
            }
        }
        report.append(CPU_NOTE);
    }

    private static final String CPU_NOTE = "\nops/s: median of the measured rounds; ratios are of those medians."
            + " p50/p99: all measured calls pooled. Client CPU: CPU time of the calling threads per call, little"
            + " disturbed by other load on the machine; a client that works on threads of its own (the JDK"
            + " HttpClient's selector, Netty's event loops in Redisson) looks cheaper there than it is.\n";

    private static double median(List<LoadRunner.Result> rounds) {
        double[] ops = rounds.stream().mapToDouble(LoadRunner.Result::opsPerSecond).sorted().toArray();
        int middle = ops.length / 2;
        return ops.length % 2 == 1 ? ops[middle] : (ops[middle - 1] + ops[middle]) / 2;
    }

    private void listenerOverhead() throws Exception {
        ListenerOverhead.Result r = ListenerOverhead.run(stub.baseUrl(), THREADS, plan.warmupRounds(), plan.rounds(),
                plan.round());
        figures.put("listener ratio", r.ratio());
        report.append("\n## Micrometer listener (login, ").append(THREADS).append(" threads, rounds alternating)\n\n")
                .append("| without listener ops/s | with WeComMetricsListener ops/s | ratio (median of rounds) |"
                        + " errors | logins recorded / made | client CPU per call, ratio |\n"
                        + "|---:|---:|---:|---:|---:|---:|\n")
                .append(String.format(Locale.ROOT, "| %,.0f | %,.0f | %.3f | %d | %d / %d | %.3f |%n", r.opsNone(),
                        r.opsMeters(), r.ratio(), r.errors(), r.calls(), r.attempts(), r.cpuRatio()));
    }

    // ---------------------------------------------------------------- fleets

    private void fleets() throws Exception {
        report.append("\n## Cold fleets (gettoken delayed ").append(FLEET_TOKEN_LATENCY.toMillis())
                .append(" ms; goal: exactly 1 gettoken, all 64 logins within ")
                .append(3 * FLEET_TOKEN_LATENCY.toMillis()).append(" ms)\n\n");
        report.append("| contender | clients × threads | gettoken calls (per trial) | rejected tokens |"
                + " ms for all 64 logins (median) | errors |\n");
        report.append("|---|---|---|---:|---:|---:|\n");
        String base = stub.baseUrl();
        fleet("wecomkit (in-memory)", 1, 64, () -> List.of(WeComKitContender.inMemory(base)), null);
        fleet("WxJava 4.7 (in-memory)", 1, 64, () -> List.of(WxJavaContender.inMemory(base)), null);
        if (redisUri != null) {
            fleet("wecomkit (Redis)", 4, 16, () -> {
                List<Contender> clients = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    clients.add(wecomkitOnRedis());
                }
                return clients;
            }, this::flushRedis);
            fleet("WxJava 4.7 (Redisson)", 4, 16, () -> {
                List<Contender> clients = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    RedissonClient redisson = redisson();
                    clients.add(new ClosingContender(WxJavaContender.redisson(base, redisson), redisson::shutdown));
                }
                return clients;
            }, this::flushRedis);
        }
    }

    private void fleet(String name, int clients, int threadsPerClient, Supplier<List<Contender>> factory,
                       Runnable beforeTrial) throws Exception {
        List<Fleet.Result> trials = new ArrayList<>();
        for (int trial = 0; trial < plan.fleetTrials(); trial++) {
            if (beforeTrial != null) {
                beforeTrial.run();
            }
            stub.reset();
            stub.tokenLatency(FLEET_TOKEN_LATENCY);
            List<Contender> fleet = factory.get();
            trials.add(Fleet.coldStart(stub, fleet, threadsPerClient));
            for (Contender contender : fleet) {
                contender.close();
            }
        }
        stub.reset();
        double[] millis = trials.stream().mapToDouble(Fleet.Result::millisForAll).sorted().toArray();
        StringBuilder calls = new StringBuilder();
        long rejected = 0;
        long errors = 0;
        for (Fleet.Result trial : trials) {
            calls.append(calls.length() == 0 ? "" : ", ").append(trial.tokenCalls());
            rejected += trial.rejectedTokens();
            errors += trial.errors();
            if (trial.firstError() != null) {
                System.out.println(name + " fleet error: " + trial.firstError());
            }
        }
        System.out.printf(Locale.ROOT, "fleet %-30s gettoken=[%s] ms=%s%n", name, calls, Arrays.toString(millis));
        figures.put("fleet gettoken max " + name,
                (double) trials.stream().mapToLong(Fleet.Result::tokenCalls).max().orElse(-1));
        figures.put("fleet gettoken min " + name,
                (double) trials.stream().mapToLong(Fleet.Result::tokenCalls).min().orElse(-1));
        figures.put("fleet ms max " + name, millis[millis.length - 1]);
        figures.put("fleet errors " + name, (double) errors);
        report.append(String.format(Locale.ROOT, "| %s | %d × %d | %s | %d | %.0f | %d |%n", name, clients,
                threadsPerClient, calls, rejected, millis[millis.length / 2], errors));
    }

    // ---------------------------------------------------------------- refresh boundary

    private void boundary() throws Exception {
        report.append("\n## Refresh boundary (gettoken delayed ").append(BOUNDARY_TOKEN_LATENCY.toMillis())
                .append(" ms, tokens live ").append(BOUNDARY_TOKEN_LIFETIME.toSeconds()).append(" s, ")
                .append(THREADS).append(" threads each logging in every 5 ms for ")
                .append(plan.boundaryLength().toSeconds()).append(" s; goal: 0 calls waited)\n\n");
        report.append("| contender | calls after cold start | calls that waited ≥ ")
                .append(BOUNDARY_TOKEN_LATENCY.toMillis()).append(" ms | gettoken after cold start |"
                        + " rejected tokens | max ms | errors |\n");
        report.append("|---|---:|---:|---:|---:|---:|---:|\n");
        boundaryRow("wecomkit (in-memory)", WeComKitContender.inMemory(stub.baseUrl()));
        if (redisUri != null) {
            flushRedis();
            boundaryRow("wecomkit (Redis)", wecomkitOnRedis());
        }
    }

    private void boundaryRow(String name, Contender client) throws Exception {
        stub.reset();
        stub.tokenLatency(BOUNDARY_TOKEN_LATENCY);
        stub.expiresIn(BOUNDARY_TOKEN_LIFETIME);
        RefreshBoundary.Result result = RefreshBoundary.run(stub, client, THREADS, Duration.ofMillis(5),
                plan.boundaryLength(), BOUNDARY_TOKEN_LATENCY);
        client.close();
        stub.reset();
        if (result.firstError() != null) {
            System.out.println(name + " boundary error: " + result.firstError());
        }
        System.out.println("boundary " + name + ": " + result);
        figures.put("boundary waited " + name, (double) result.waited() + result.errors());
        report.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.0f | %d |%n", name, result.calls(),
                result.waited(), result.tokenCallsAfterCold(), result.rejectedTokens(), result.maxMillis(),
                result.errors()));
    }

    // ---------------------------------------------------------------- footprint

    private void footprint() throws IOException {
        report.append("\n## Runtime footprint (jars an application gains, the library itself included)\n\n");
        Footprint footprint = Footprint.load();
        if (footprint == null) {
            report.append("Dependency tree not found: run from the packaged jar.\n");
            return;
        }
        Footprint.Entry wxJava = footprint.closure("weixin-java-cp", "com.github.binarywang:weixin-java-cp");
        List<Footprint.Entry> entries = List.of(
                footprint.closure("wecomkit-core", "io.github.wecomkit:wecomkit-core"),
                footprint.closure("wecomkit-core + wecomkit-cache-redis", "io.github.wecomkit:wecomkit-core",
                        "io.github.wecomkit:wecomkit-cache-redis"),
                wxJava,
                footprint.closure("weixin-java-cp + redisson", "com.github.binarywang:weixin-java-cp",
                        "org.redisson:redisson"));
        figures.put("footprint jars ratio", entries.get(0).artifacts().size() / (double) wxJava.artifacts().size());
        figures.put("footprint MB ratio", entries.get(0).megabytes() / wxJava.megabytes());
        report.append("| library | runtime jars | MB | × WxJava jars | × WxJava MB | jars |\n");
        report.append("|---|---:|---:|---:|---:|---|\n");
        for (Footprint.Entry entry : entries) {
            report.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.2f | %s |%n", entry.label(),
                    entry.artifacts().size(), entry.megabytes(),
                    entry.artifacts().size() / (double) wxJava.artifacts().size(),
                    entry.megabytes() / wxJava.megabytes(), String.join(", ", entry.artifacts())
                            + (entry.missingJars() > 0 ? " (" + entry.missingJars() + " jars not found)" : "")));
        }
    }

    // ---------------------------------------------------------------- goals

    private void goals() {
        report.append("\n## Goals\n\n| goal | measured | met |\n|---|---|---|\n");
        String memory = "wecomkit (in-memory)";
        String redis = "wecomkit (Redis)";
        String wxJava = "WxJava 4.7 (in-memory)";
        String baseline = new UrlConnectionBaseline("").name();
        ratioGoal("login ≥ 1.0 × WxJava", "LOGIN ops " + memory, "LOGIN ops " + wxJava, 1.0);
        ratioGoal("login ≥ 0.95 × HttpURLConnection + Jackson", "LOGIN ops " + memory, "LOGIN ops " + baseline, 0.95);
        ratioGoal("getUser ≥ 1.15 × WxJava", "GET_USER ops " + memory, "GET_USER ops " + wxJava, 1.15);
        ratioGoal("Redis store login ≥ 0.95 × in-memory", "LOGIN ops " + redis, "LOGIN ops " + memory, 0.95);
        ratioGoal("Redis store getUser ≥ 0.95 × in-memory", "GET_USER ops " + redis, "GET_USER ops " + memory,
                0.95);
        Double listener = figures.get("listener ratio");
        if (listener != null) {
            goal("login with the Micrometer listener ≥ 0.97 × without", String.format(Locale.ROOT, "%.3f ×", listener),
                    listener >= 0.97);
        }
        for (String fleet : List.of(memory, redis)) {
            Double max = figures.get("fleet gettoken max " + fleet);
            if (max != null) {
                Double min = figures.get("fleet gettoken min " + fleet);
                goal("gettoken exactly 1, cold fleet " + fleet, String.format(Locale.ROOT, "%.0f–%.0f per trial", min,
                        max), min == 1 && max == 1 && figures.get("fleet errors " + fleet) == 0);
                double ms = figures.get("fleet ms max " + fleet);
                goal("all 64 logins within " + 3 * FLEET_TOKEN_LATENCY.toMillis() + " ms, " + fleet,
                        String.format(Locale.ROOT, "%.0f ms (slowest trial)", ms),
                        ms <= 3 * FLEET_TOKEN_LATENCY.toMillis());
            }
        }
        for (String boundary : List.of(memory, redis)) {
            Double waited = figures.get("boundary waited " + boundary);
            if (waited != null) {
                goal("0 calls waiting at the refresh boundary, " + boundary,
                        String.format(Locale.ROOT, "%.0f", waited), waited == 0);
            }
        }
        TokenRules.goals(figures, this::goal);
        AsyncThroughput.goals(figures, this::goal);
        Double jars = figures.get("footprint jars ratio");
        if (jars != null) {
            double megabytes = figures.get("footprint MB ratio");
            goal("wecomkit-core runtime jars and MB ≤ ⅓ of weixin-java-cp's",
                    String.format(Locale.ROOT, "%.2f × jars, %.2f × MB", jars, megabytes),
                    jars <= 1 / 3.0 && megabytes <= 1 / 3.0);
        }
    }

    private void ratioGoal(String goal, String measured, String reference, double atLeast) {
        Double a = figures.get(measured);
        Double b = figures.get(reference);
        if (a != null && b != null) {
            goal(goal, String.format(Locale.ROOT, "%.2f ×", a / b), a / b >= atLeast);
        }
    }

    private void goal(String goal, String measured, boolean met) {
        report.append("| ").append(goal).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**NO**")
                .append(" |\n");
    }

    // ---------------------------------------------------------------- helpers

    /** Each call is one application instance: its own Redis connection, the Redis shared. */
    private Contender wecomkitOnRedis() {
        RedisTokenStore store = RedisTokenStore.create(redisUri);
        return WeComKitContender.withStore("wecomkit (Redis)", stub.baseUrl(), store, store);
    }

    private RedissonClient redisson() {
        Config config = new Config();
        config.useSingleServer().setAddress(redisUri);
        return Redisson.create(config);
    }

    private void flushRedis() {
        RedissonClient redisson = redisson();
        try {
            redisson.getKeys().flushall();
        } finally {
            redisson.shutdown();
        }
    }

    /** A contender that also releases a resource it was built on. */
    private record ClosingContender(Contender delegate, AutoCloseable resource) implements Contender {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String login(String code) throws Exception {
            return delegate.login(code);
        }

        @Override
        public String getUser(String userId) throws Exception {
            return delegate.getUser(userId);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
            resource.close();
        }
    }
}
