package io.github.wecomkit.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one call in a closed loop on N threads for a fixed time and reports throughput and latencies. */
final class LoadRunner {

    /** One call of the measured kind; returns its result so the JIT cannot drop the work. */
    @FunctionalInterface
    interface Call {
        Object call() throws Exception;
    }

    /** What one timed run measured. */
    record Result(long calls, long errors, double seconds, Latencies latencies, long clientCpuNanos,
                  Throwable firstError) {
        double opsPerSecond() {
            return calls / seconds;
        }

        /** CPU the calling threads spent per call: the client's own cost, little disturbed by other load. */
        double clientCpuMicrosPerCall() {
            return clientCpuNanos / 1e3 / Math.max(1, calls);
        }
    }

    private LoadRunner() {
    }

    static Result run(Call call, int threads, Duration duration) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long[] deadline = new long[1];
        AtomicLong sink = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int t = 0; t < threads; t++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            Thread worker = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = deadline[0];
                long cpuStart = cpu.getCurrentThreadCpuTime();
                int hash = 0;
                long start = System.nanoTime();
                while (start - end < 0) {
                    try {
                        hash += call.call().hashCode();
                        long now = System.nanoTime();
                        latencies.record(now - start);
                        start = now;
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e);
                        start = System.nanoTime();
                    }
                }
                cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
                sink.addAndGet(hash);
            }, "load-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        long begin = System.nanoTime();
        deadline[0] = begin + duration.toNanos();
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        Latencies merged = new Latencies();
        perThread.forEach(merged::add);
        return new Result(merged.total(), errors.get(), seconds, merged, cpuNanos.get(), firstError.get());
    }
}
