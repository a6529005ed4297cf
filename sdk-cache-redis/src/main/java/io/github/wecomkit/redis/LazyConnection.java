package io.github.wecomkit.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection opened in the background, so that a Redis that is down when the application starts costs a caller
 * at most {@code maxWait}, never a full connect timeout; after a failed attempt, callers fail at once until
 * {@code retryDelay} has passed. Once open, Lettuce's own auto-reconnect keeps it alive.
 *
 * <p>Each attempt first runs a {@code quickCheck} (a plain TCP connect to the server, about a millisecond): the
 * first Lettuce connection of a JVM spends most of a second loading and starting Netty, so without the check a
 * refused connection would be reported only after that. A failed check fails the attempt for callers at once;
 * the Lettuce connect still runs to its end in the background, so that Netty is warm when Redis comes back.
 */
final class LazyConnection<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LazyConnection.class);

    private final String name;
    private final Runnable quickCheck;
    private final Supplier<T> connector;
    private final Consumer<T> closer;
    private final Function<Throwable, RedisStoreException> failure;
    private final Duration maxWait;
    private final Duration retryDelay;
    private final Duration attemptBound;

    private volatile T connection;
    private CompletableFuture<T> attempt; // guarded by this
    private boolean running; // guarded by this: an attempt thread has not finished yet
    private long nextAttemptNanos; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param name         for log lines and messages, e.g. "pub/sub"
     * @param quickCheck   throws at once if the server cannot be reached; runs before each connect
     * @param connector    opens the connection (blocking, bounded by the client's own timeouts)
     * @param closer       closes a connection
     * @param failure      turns an attempt's failure into the exception callers get
     * @param maxWait      how long a caller waits for an attempt still running
     * @param retryDelay   how long after a failure callers fail at once
     * @param attemptBound the longest one attempt can take (quick check, connect, handshake, probes)
     */
    LazyConnection(String name, Runnable quickCheck, Supplier<T> connector, Consumer<T> closer,
                   Function<Throwable, RedisStoreException> failure, Duration maxWait, Duration retryDelay,
                   Duration attemptBound) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.quickCheck = Objects.requireNonNull(quickCheck, "quickCheck == null");
        this.connector = Objects.requireNonNull(connector, "connector == null");
        this.closer = Objects.requireNonNull(closer, "closer == null");
        this.failure = Objects.requireNonNull(failure, "failure == null");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait == null");
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay == null");
        this.attemptBound = Objects.requireNonNull(attemptBound, "attemptBound == null");
    }

    /**
     * A connection without a quick check, for a client whose address the caller does not know; a failure reads
     * "cannot connect to Redis (name): ...", and {@link #close()} waits for an attempt up to twice
     * {@code maxWait} plus a second.
     */
    LazyConnection(String name, Supplier<T> connector, Consumer<T> closer, Duration maxWait, Duration retryDelay) {
        this(name, () -> { }, connector, closer, e -> e instanceof RedisStoreException
                        ? new RedisStoreException(e.getMessage(), e, ((RedisStoreException) e).retryable())
                        : new RedisStoreException("cannot connect to Redis (" + name + "): " + describe(e), e),
                maxWait, retryDelay, maxWait.multipliedBy(2).plusSeconds(1));
    }

    /** Starts the first attempt now without waiting for it; a failure only counts toward the retry delay. */
    synchronized void connectInBackground() {
        if (attempt == null && !closed) {
            attempt = start();
        }
    }

    /**
     * @return the open connection
     * @throws RedisStoreException if it is not open within {@code maxWait}, or the last attempt failed recently
     */
    T get() {
        T c = get(maxWait);
        if (c == null) {
            throw new RedisStoreException("Redis " + name + " connection not open after " + maxWait.toMillis()
                    + " ms", null);
        }
        return c;
    }

    /**
     * @param limit the longest to wait (capped at {@code maxWait}) for an attempt still running
     * @return the open connection, or {@code null} if the attempt is still running after {@code limit}
     * @throws RedisStoreException if the last attempt failed recently, or the connection is closed
     */
    T get(Duration limit) {
        T c = connection;
        if (c != null) {
            return c;
        }
        CompletableFuture<T> pending;
        synchronized (this) {
            if (closed) {
                throw new RedisStoreException("Redis token store is closed", null, false);
            }
            if (connection != null) {
                return connection;
            }
            if (attemptDue()) {
                attempt = start();
            }
            pending = attempt;
        }
        try {
            return pending.get(Math.min(limit.toNanos(), maxWait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            T late = connection; // the quick check failed, but Redis came up before Lettuce's own attempt ended
            if (late != null) {
                return late;
            }
            throw failure.apply(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisStoreException("interrupted while connecting to Redis (" + name + ")", e);
        }
    }

    /** An attempt is due when there was none, or the last one failed, its thread ended and the delay passed. */
    private boolean attemptDue() {
        return attempt == null || attempt.isCompletedExceptionally() && !running
                && System.nanoTime() - nextAttemptNanos >= 0;
    }

    private CompletableFuture<T> start() {
        CompletableFuture<T> result = new CompletableFuture<>();
        running = true;
        Thread connecting = new Thread(() -> run(result), "wecomkit-redis-connect-" + name);
        connecting.setDaemon(true);
        connecting.start();
        return result;
    }

    private void run(CompletableFuture<T> result) {
        try {
            try {
                quickCheck.run();
            } catch (RuntimeException e) {
                fail(result, e);
            }
            T c = connector.get();
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    connection = c;
                }
            }
            if (!keep) {
                closeQuietly(c);
                result.completeExceptionally(new RedisStoreException("Redis token store is closed", null, false));
                return;
            }
            LOG.debug("Redis {} connection open", name);
            result.complete(c);
        } catch (RuntimeException e) {
            fail(result, e);
        } finally {
            synchronized (this) {
                running = false;
                notifyAll();
            }
        }
    }

    private void fail(CompletableFuture<T> result, RuntimeException e) {
        synchronized (this) {
            nextAttemptNanos = System.nanoTime() + retryDelay.toNanos();
        }
        if (result.completeExceptionally(e)) {
            LOG.debug("Redis {} connection failed: {}", name, describe(e));
        }
    }

    /**
     * The failure's type and message, without the arguments Redis echoes for an unknown command ("with args
     * beginning with: ..."): they may hold a token being stored.
     */
    static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String message = t.getMessage();
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        int echoed = message.indexOf(", with args beginning with:");
        return t.getClass().getSimpleName() + ": " + (echoed < 0 ? message : message.substring(0, echoed));
    }

    /**
     * Closes the connection. An attempt still running is awaited (it is bounded by the client's own timeouts), so
     * that the caller may then shut the client's event loops down with nothing left to register on them: a
     * connect finishing on a stopped event loop is what makes Netty log "Failed to submit a listener notification
     * task. Event loop shut down?".
     */
    @Override
    public void close() {
        T c;
        synchronized (this) {
            closed = true;
            long deadline = System.nanoTime() + attemptBound.toNanos();
            long left;
            while (running && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (running) {
                LOG.debug("Redis {} connection attempt still running at close", name);
            }
            c = connection;
            connection = null;
        }
        if (c != null) {
            closeQuietly(c);
        }
    }

    private void closeQuietly(T c) {
        try {
            closer.accept(c);
        } catch (RuntimeException e) {
            LOG.debug("closing Redis {} connection failed: {}", name, describe(e));
        }
    }
}
