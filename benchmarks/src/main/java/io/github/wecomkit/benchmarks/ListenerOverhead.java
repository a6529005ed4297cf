package io.github.wecomkit.benchmarks;

import io.github.wecomkit.spring.WeComMetricsListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the starter's Micrometer listener costs a login: wecomkit without a listener against wecomkit with
 * {@link WeComMetricsListener} on a {@link SimpleMeterRegistry}, alternating round by round (A, B, B, A, ...) so
 * that drifting load on the machine hits both alike. The figure is the median of the per-round ratios.
 */
final class ListenerOverhead {

    /**
     * @param ratio     median of B/A over the measured rounds (B = with the listener)
     * @param opsNone   median ops/s without a listener
     * @param opsMeters median ops/s with the listener
     * @param errors    failed calls, both sides
     * @param calls     meter count of {@code wecom.api.calls} for login: every call of B was recorded
     * @param attempts  the logins B made
     * @param cpuRatio  median of B/A of the calling threads' CPU per call (little disturbed by other load)
     */
    record Result(double ratio, double opsNone, double opsMeters, long errors, long calls, long attempts,
                  double cpuRatio) {
    }

    private ListenerOverhead() {
    }

    static Result run(String baseUrl, int threads, int warmupRounds, int rounds, Duration round) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Contender none = WeComKitContender.inMemory(baseUrl);
             Contender meters = WeComKitContender.withListener("wecomkit (Micrometer listener)", baseUrl,
                     new WeComMetricsListener(registry))) {
            List<Double> ratios = new ArrayList<>();
            List<Double> opsNone = new ArrayList<>();
            List<Double> opsMeters = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            long errors = 0;
            long attempts = 0;
            for (int i = 0; i < warmupRounds + rounds; i++) {
                boolean noneFirst = i % 2 == 0;
                LoadRunner.Result first = LoadRunner.run(login(noneFirst ? none : meters), threads, round);
                LoadRunner.Result second = LoadRunner.run(login(noneFirst ? meters : none), threads, round);
                LoadRunner.Result a = noneFirst ? first : second;
                LoadRunner.Result b = noneFirst ? second : first;
                attempts += b.calls() + b.errors();
                errors += a.errors() + b.errors();
                System.out.printf(Locale.ROOT, "listener overhead round %d: none %,.0f ops/s, Micrometer %,.0f ops/s,"
                        + " B/A %.3f%n", i + 1, a.opsPerSecond(), b.opsPerSecond(), b.opsPerSecond() / a.opsPerSecond());
                if (i >= warmupRounds) {
                    ratios.add(b.opsPerSecond() / a.opsPerSecond());
                    opsNone.add(a.opsPerSecond());
                    opsMeters.add(b.opsPerSecond());
                    cpuRatios.add(b.clientCpuMicrosPerCall() / a.clientCpuMicrosPerCall());
                }
            }
            long recorded = registry.get(WeComMetricsListener.API_CALLS)
                    .tags("api", "miniprogram/jscode2session", "outcome", "success").timer().count();
            return new Result(median(ratios), median(opsNone), median(opsMeters), errors, recorded, attempts,
                    median(cpuRatios));
        }
    }

    /**
     * This row alone, for a quieter and longer measurement than the full run gives it:
     * {@code java -cp benchmarks/target/benchmarks.jar io.github.wecomkit.benchmarks.ListenerOverhead 20 3}.
     *
     * @param args measured rounds (default 20) and seconds per run (default 3)
     */
    public static void main(String[] args) throws Exception {
        StubWeCom.configureJdkHttpServer();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Duration round = Duration.ofSeconds(args.length > 1 ? Integer.parseInt(args[1]) : 3);
        try (StubWeCom stub = StubWeCom.start()) {
            Result r = run(stub.baseUrl(), Benchmarks.THREADS, 3, rounds, round);
            System.out.printf(Locale.ROOT, "median B/A over %d rounds: ops %.3f, client CPU per call %.3f;"
                    + " errors %d; logins recorded %d of %d%n", rounds, r.ratio(), r.cpuRatio(), r.errors(),
                    r.calls(), r.attempts());
        }
        System.exit(0);
    }

    private static LoadRunner.Call login(Contender contender) {
        return () -> contender.login("bench-code");
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
