package io.github.wecomkit.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small pools of daemon threads for background work that the application did not give an executor for. */
public final class DaemonExecutors {
    /**
     * Background token refreshes of clients built without a refresh executor. Refreshes are rare (one per token
     * lifetime per token), so two threads serve every client of the JVM.
     */
    public static final ExecutorService TOKEN_REFRESH = pool("wecomkit-token-refresh", 2);

    private DaemonExecutors() {
    }

    /**
     * @param name    the thread name prefix
     * @param threads how many threads at most; idle ones end after a minute
     * @return a pool of daemon threads with an unbounded queue
     */
    public static ExecutorService pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
