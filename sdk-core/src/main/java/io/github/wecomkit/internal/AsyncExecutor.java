package io.github.wecomkit.internal;

import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the HTTP part of an async call runs: the caller's executor if one was given, otherwise a default made on
 * first use and shut down with the client.
 *
 * <ul>
 *   <li><b>Virtual threads</b>, one per call, where the runtime has them (JDK 21+). wecomkit is compiled for 17,
 *       so they are found by reflection at run time. Nothing is refused: calls beyond the connection limit wait
 *       for a connection on their (cheap) virtual thread.</li>
 *   <li><b>Otherwise (JDK 17) a bounded pool</b>: as many threads as the client has connections (a thread more
 *       could only wait for a connection), and a queue of {@value #QUEUE_PER_THREAD} calls per thread. An
 *       unbounded queue would let a sustained overload grow memory and latency without limit; with this one a
 *       call that finds it full fails at once with {@code ClientBusyException}, a signal to shed load. Against
 *       WeCom (tens of milliseconds per call) a full queue is under a second of waiting.</li>
 * </ul>
 */
public final class AsyncExecutor implements Executor, AutoCloseable {
    /** Queued calls per pool thread in the JDK 17 default. */
    public static final int QUEUE_PER_THREAD = 16;
    private static final String THREAD_PREFIX = "wecomkit-async-";
    private static final Method OF_VIRTUAL = virtualThreadMethod();

    private final Executor given;
    private final int threads;
    private final Object lock = new Object();
    private volatile ExecutorService owned;
    private volatile boolean closed;

    private AsyncExecutor(Executor given, int threads) {
        this.given = given;
        this.threads = threads;
    }

    /**
     * @param given          the caller's executor (never shut down here), or {@code null} for the default
     * @param maxConnections the client's connection limit: the JDK 17 default's thread count
     */
    public static AsyncExecutor of(Executor given, int maxConnections) {
        return new AsyncExecutor(given, maxConnections);
    }

    /** @return whether this runtime has virtual threads (JDK 21+, or 19-20 with preview features enabled) */
    public static boolean virtualThreadsAvailable() {
        return OF_VIRTUAL != null;
    }

    /**
     * @return a new executor that starts one virtual thread per task, named {@code prefix} and a number, or
     *     {@code null} on a runtime without virtual threads
     */
    public static ExecutorService newVirtualThreadPerTaskExecutor(String prefix) {
        if (OF_VIRTUAL == null) {
            return null;
        }
        try {
            Object builder = OF_VIRTUAL.invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, prefix, 0L);
            ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
            return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
                    .invoke(null, factory);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * @param threads       the pool's threads; they end after a minute idle
     * @param queueCapacity the most calls waiting for a thread; a call beyond it is rejected
     * @return the JDK 17 default: a fixed pool of daemon threads with a bounded queue that rejects when full
     */
    public static ThreadPoolExecutor newBoundedPool(int threads, int queueCapacity) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(queueCapacity), r -> {
                    Thread t = new Thread(r, THREAD_PREFIX + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public void execute(Runnable task) {
        executor().execute(task);
    }

    /** @return the executor calls run on now: the caller's, or the default (made on first use) */
    public Executor executor() {
        if (given != null) {
            return given;
        }
        ExecutorService e = owned;
        if (e == null) {
            synchronized (lock) {
                if (closed) {
                    throw new RejectedExecutionException("the client is closed");
                }
                e = owned;
                if (e == null) {
                    e = newVirtualThreadPerTaskExecutor(THREAD_PREFIX);
                    if (e == null) {
                        e = newBoundedPool(threads, threads * QUEUE_PER_THREAD);
                    }
                    owned = e;
                }
            }
        }
        return e;
    }

    /** @return what runs the calls, for logs and docs: "virtual threads", "64 threads, queue 1024" or "yours" */
    public String describe() {
        if (given != null) {
            return "the caller's executor";
        }
        return virtualThreadsAvailable() ? "virtual threads, one per call"
                : threads + " platform threads, queue of " + threads * QUEUE_PER_THREAD;
    }

    /**
     * Shuts the default down (calls already accepted still run to their end; none is interrupted); the caller's
     * own executor is left alone.
     */
    @Override
    public void close() {
        ExecutorService e;
        synchronized (lock) {
            closed = true;
            e = owned;
        }
        if (e != null) {
            e.shutdown();
        }
    }

    private static Method virtualThreadMethod() {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            ofVirtual.invoke(null); // throws UnsupportedOperationException on JDK 19-20 without --enable-preview
            return ofVirtual;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
