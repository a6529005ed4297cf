package io.github.wecomkit.benchmarks;

import io.github.wecomkit.AsyncWeComClient;
import io.github.wecomkit.LoginSession;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.internal.AsyncExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code client.login} against {@code client.async().login} at 8 and at 1,000 concurrent callers, with the
 * connections the client opened to the stub. Blocking callers are threads in a closed loop (1,000 virtual threads
 * where the JDK has them, else 1,000 platform threads); async callers are chains of futures, each issuing its next
 * login when the last one completes, on the client's default async executor (virtual threads, or on JDK 17 the
 * bounded pool). Every client has the default connection limit, {@value WeComClient#DEFAULT_MAX_CONNECTIONS}.
 */
final class AsyncThroughput {
    static final int FEW = 8;
    static final int MANY = 1000;

    private final Benchmarks.Plan plan;
    private final StubWeCom stub;
    private final StringBuilder report;
    private final Map<String, Double> figures;

    AsyncThroughput(Benchmarks.Plan plan, StubWeCom stub, StringBuilder report, Map<String, Double> figures) {
        this.plan = plan;
        this.stub = stub;
        this.report = report;
        this.figures = figures;
    }

    /** One measured way of calling. */
    private record Scenario(String mode, int callers, boolean async, WeComClient client) {
        String name() {
            return mode + " × " + callers;
        }
    }

    /** What one timed round measured. */
    private record Round(long calls, long errors, double seconds, Histogram latencies, int connections,
                         Throwable firstError) {
        double opsPerSecond() {
            return calls / seconds;
        }
    }

    void run() throws Exception {
        stub.reset();
        boolean virtual = AsyncExecutor.virtualThreadsAvailable();
        List<Scenario> scenarios = new ArrayList<>();
        for (int callers : new int[] {FEW, MANY}) {
            scenarios.add(new Scenario("blocking", callers, false, client()));
            scenarios.add(new Scenario("async", callers, true, client()));
        }
        Map<String, List<Round>> results = new LinkedHashMap<>();
        scenarios.forEach(s -> results.put(s.name(), new ArrayList<>()));
        int total = plan.warmupRounds() + plan.rounds();
        for (int round = 0; round < total; round++) {
            boolean warmup = round < plan.warmupRounds();
            Duration length = warmup ? plan.warmupRound() : plan.round();
            for (int i = 0; i < scenarios.size(); i++) {
                Scenario s = scenarios.get((i + round) % scenarios.size());
                stub.resetConnections();
                Round r = s.async() ? async(s.client().async(), s.callers(), length)
                        : blocking(s.client(), s.callers(), virtual && s.callers() == MANY, length);
                System.out.printf(Locale.ROOT, "%s round %d async-vs-blocking %-16s %,9.0f ops/s connections=%d"
                                + " errors=%d%n", warmup ? "warm-up" : "measure", round + 1, s.name(),
                        r.opsPerSecond(), r.connections(), r.errors());
                if (r.firstError() != null) {
                    System.out.println("  first error: " + r.firstError());
                }
                if (!warmup) {
                    results.get(s.name()).add(r);
                }
            }
        }
        for (Scenario s : scenarios) {
            s.client().close();
        }
        table(scenarios, results, virtual);
    }

    private WeComClient client() throws Exception {
        WeComClient client = WeComClient.builder().corpId(StubWeCom.CORP_ID).secret(StubWeCom.SECRET)
                .baseUrl(stub.baseUrl()).build();
        client.login("bench-code"); // the token in hand: every scenario measures calls, not the cold start
        return client;
    }

    private static String runsOn(Scenario s, boolean virtual) {
        if (s.async()) {
            return virtual ? "default executor: a virtual thread per call"
                    : String.format(Locale.ROOT, "default executor (JDK 17): %d threads, queue of %,d",
                    WeComClient.DEFAULT_MAX_CONNECTIONS,
                    WeComClient.DEFAULT_MAX_CONNECTIONS * AsyncExecutor.QUEUE_PER_THREAD);
        }
        if (s.callers() == MANY) {
            return String.format(Locale.ROOT, virtual ? "%,d virtual threads"
                    : "%,d platform threads (JDK 17 has no virtual threads)", MANY);
        }
        return s.callers() + " platform threads";
    }

    private void table(List<Scenario> scenarios, Map<String, List<Round>> results, boolean virtual) {
        report.append("\n## Async and blocking logins (")
                .append(FEW).append(" and ").append(String.format(Locale.ROOT, "%,d", MANY))
                .append(" concurrent callers, connection limit ")
                .append(WeComClient.DEFAULT_MAX_CONNECTIONS).append(")\n\n");
        report.append("| mode | callers | runs on | ops/s (median) | min–max of rounds | p50 µs | p99 µs | errors |"
                + " connections (most in a round) | × blocking |\n");
        report.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<Integer, Double> blockingOps = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            List<Round> rounds = results.get(s.name());
            double[] ops = rounds.stream().mapToDouble(Round::opsPerSecond).sorted().toArray();
            double median = ops.length % 2 == 1 ? ops[ops.length / 2]
                    : (ops[ops.length / 2 - 1] + ops[ops.length / 2]) / 2;
            Histogram pooled = new Histogram();
            long errors = 0;
            int connections = 0;
            for (Round r : rounds) {
                pooled.add(r.latencies());
                errors += r.errors();
                connections = Math.max(connections, r.connections());
            }
            if (!s.async()) {
                blockingOps.put(s.callers(), median);
            }
            figures.put("async connections " + s.name(), (double) connections);
            figures.put("async errors " + s.name(), (double) errors);
            figures.put("async ops " + s.name(), median);
            report.append(String.format(Locale.ROOT, "| %s | %,d | %s | %,.0f | %,.0f–%,.0f | %.0f | %.0f | %d | %d |"
                            + " %.2f |%n", s.mode(), s.callers(), runsOn(s, virtual), median, ops[0],
                    ops[ops.length - 1], pooled.percentileMicros(0.50), pooled.percentileMicros(0.99), errors,
                    connections, median / blockingOps.getOrDefault(s.callers(), median)));
        }
        report.append("\nConnections: distinct client ports that sent the stub a request in the round, i.e. the"
                + " sockets the client used; the limit queues the other callers. Latency: from the call to its"
                + " answer, the wait for a free connection included.\n");
    }

    /** The goals this part adds: the connection limit holds, and no call failed. */
    static void goals(Map<String, Double> figures, TokenRules.GoalSink sink) {
        for (Map.Entry<String, Double> e : figures.entrySet()) {
            if (e.getKey().startsWith("async connections ")) {
                String name = e.getKey().substring("async connections ".length());
                double errors = figures.get("async errors " + name);
                sink.goal("≤ " + WeComClient.DEFAULT_MAX_CONNECTIONS + " connections and 0 errors, " + name
                                + " callers", String.format(Locale.ROOT, "%.0f connections, %.0f errors",
                                e.getValue(), errors),
                        e.getValue() <= WeComClient.DEFAULT_MAX_CONNECTIONS && errors == 0);
            }
        }
    }

    // ---------------------------------------------------------------- runners

    private Round blocking(WeComClient client, int callers, boolean virtual, Duration length) throws Exception {
        ExecutorService threads = virtual ? AsyncExecutor.newVirtualThreadPerTaskExecutor("bench-caller-") : null;
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(callers);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Histogram latencies = new Histogram();
        long[] deadline = new long[1];
        for (int c = 0; c < callers; c++) {
            Runnable loop = () -> {
                ready.countDown();
                try {
                    go.await();
                    long end = deadline[0];
                    long start = System.nanoTime();
                    while (start - end < 0) {
                        try {
                            client.login("bench-code");
                            long now = System.nanoTime();
                            latencies.record(now - start);
                            calls.incrementAndGet();
                            start = now;
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e);
                            start = System.nanoTime();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            };
            if (threads != null) {
                threads.execute(loop);
            } else {
                Thread t = new Thread(loop, "bench-caller-" + c);
                t.setDaemon(true);
                t.start();
            }
        }
        ready.await();
        long begin = System.nanoTime();
        deadline[0] = begin + length.toNanos();
        go.countDown();
        done.await();
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (threads != null) {
            threads.shutdown();
        }
        return new Round(calls.get(), errors.get(), seconds, latencies, stub.connections(), firstError.get());
    }

    private Round async(AsyncWeComClient client, int callers, Duration length) throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + length.toNanos();
        CountDownLatch done = new CountDownLatch(callers);
        AtomicLong calls = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Histogram latencies = new Histogram();
        List<Chain> chains = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            chains.add(new Chain(client, deadline, done, calls, errors, firstError, latencies));
        }
        chains.forEach(Chain::next);
        if (!done.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("async callers did not finish in time");
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        return new Round(calls.get(), errors.get(), seconds, latencies, stub.connections(), firstError.get());
    }

    /** One async caller: issues its next login when the last one completes; no thread of its own waits. */
    private static final class Chain {
        final AsyncWeComClient client;
        final long deadline;
        final CountDownLatch done;
        final AtomicLong calls;
        final AtomicLong errors;
        final AtomicReference<Throwable> firstError;
        final Histogram latencies;

        Chain(AsyncWeComClient client, long deadline, CountDownLatch done, AtomicLong calls, AtomicLong errors,
              AtomicReference<Throwable> firstError, Histogram latencies) {
            this.latencies = latencies;
            this.client = client;
            this.deadline = deadline;
            this.done = done;
            this.calls = calls;
            this.errors = errors;
            this.firstError = firstError;
        }

        void next() {
            while (System.nanoTime() - deadline < 0) {
                long start = System.nanoTime();
                CompletableFuture<LoginSession> login = client.login("bench-code");
                if (login.isDone()) {
                    record(start, login.handle((s, e) -> e).join()); // refused at once: loop, no recursion
                    continue;
                }
                login.whenComplete((session, e) -> {
                    record(start, e);
                    next();
                });
                return;
            }
            done.countDown();
        }

        private void record(long start, Throwable error) {
            if (error == null) {
                latencies.record(System.nanoTime() - start);
                calls.incrementAndGet();
            } else {
                errors.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        }
    }

    /**
     * Latencies in 10 µs buckets up to 655 ms (1,000 callers queue for 64 connections: tens of milliseconds),
     * shared by all callers of a round (a per-caller array, as {@link Latencies} keeps per thread, would cost
     * 512 KB for each of 1,000 callers).
     */
    private static final class Histogram {
        private static final int BUCKETS = 1 << 16;
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
        private final AtomicLong total = new AtomicLong();

        void record(long nanos) {
            long bucket = nanos / 10_000;
            counts.incrementAndGet(bucket >= BUCKETS ? BUCKETS : (int) bucket);
            total.incrementAndGet();
        }

        void add(Histogram other) {
            for (int i = 0; i <= BUCKETS; i++) {
                counts.addAndGet(i, other.counts.get(i));
            }
            total.addAndGet(other.total.get());
        }

        /** The latency below which {@code fraction} of the calls fell, in µs (upper edge of its 10 µs bucket). */
        double percentileMicros(double fraction) {
            long n = total.get();
            if (n == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(fraction * n);
            long seen = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return (i + 1) * 10.0;
                }
            }
            return BUCKETS * 10.0;
        }
    }

    /** {@code --async}: this part alone, on its own stub. */
    static String runAlone(Benchmarks.Plan plan) throws Exception {
        StringBuilder report = new StringBuilder("# wecomkit async benchmark\n\n- JDK: "
                + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores\n");
        Map<String, Double> figures = new LinkedHashMap<>();
        try (StubWeCom stub = StubWeCom.start()) {
            new AsyncThroughput(plan, stub, report, figures).run();
        }
        report.append("\n| goal | measured | met |\n|---|---|---|\n");
        goals(figures, (goal, measured, met) -> report.append("| ").append(goal).append(" | ").append(measured)
                .append(" | ").append(met ? "yes" : "**NO**").append(" |\n"));
        return report.toString();
    }
}
