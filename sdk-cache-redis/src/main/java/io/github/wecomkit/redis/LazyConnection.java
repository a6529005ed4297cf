package io.github.wecomkit.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection opened on first use, in the background, so that a Redis that is down when the application starts
 * costs a caller at most {@code maxWait}, never a full TCP connect timeout; after a failed attempt, callers fail
 * at once until {@code retryDelay} has passed. Once open, Lettuce's own auto-reconnect keeps it alive.
 */
final class LazyConnection<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LazyConnection.class);

    private final String name;
    private final Supplier<T> connector;
    private final Consumer<T> closer;
    private final Duration maxWait;
    private final Duration retryDelay;

    private volatile T connection;
    private CompletableFuture<T> attempt;
    private long nextAttemptNanos;
    private boolean closed;

    LazyConnection(String name, Supplier<T> connector, Consumer<T> closer, Duration maxWait, Duration retryDelay) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.connector = Objects.requireNonNull(connector, "connector == null");
        this.closer = Objects.requireNonNull(closer, "closer == null");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait == null");
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay == null");
    }

    /** Starts the first attempt now without waiting for it; a failure only counts toward the retry delay. */
    void connectInBackground() {
        synchronized (this) {
            if (attempt == null && !closed) {
                attempt = start();
            }
        }
    }

    /**
     * @return the open connection
     * @throws RedisStoreException if it is not open within {@code maxWait}, or the last attempt failed recently
     */
    T get() {
        T c = connection;
        if (c != null) {
            return c;
        }
        CompletableFuture<T> pending;
        synchronized (this) {
            if (closed) {
                throw new RedisStoreException("Redis token store is closed", null);
            }
            if (connection != null) {
                return connection;
            }
            if (attempt == null
                    || (attempt.isCompletedExceptionally() && System.nanoTime() - nextAttemptNanos >= 0)) {
                attempt = start();
            }
            pending = attempt;
        }
        try {
            return pending.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new RedisStoreException("Redis " + name + " connection not open after " + maxWait.toMillis()
                    + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new RedisStoreException("cannot connect to Redis (" + name + "): " + describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisStoreException("interrupted while connecting to Redis (" + name + ")", e);
        }
    }

    private CompletableFuture<T> start() {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread connecting = new Thread(() -> {
            try {
                T c = connector.get();
                boolean keep;
                synchronized (this) {
                    keep = !closed;
                    if (keep) {
                        connection = c;
                    }
                }
                if (!keep) {
                    closer.accept(c);
                }
                LOG.debug("Redis {} connection open", name);
                result.complete(c);
            } catch (RuntimeException e) {
                synchronized (this) {
                    nextAttemptNanos = System.nanoTime() + retryDelay.toNanos();
                }
                LOG.debug("Redis {} connection failed: {}", name, describe(e));
                result.completeExceptionally(e);
            }
        }, "wecomkit-redis-connect-" + name);
        connecting.setDaemon(true);
        connecting.start();
        return result;
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Closes the connection; an attempt still in flight is awaited (bounded) so that nothing opens afterwards. */
    @Override
    public void close() {
        T c;
        CompletableFuture<T> pending;
        synchronized (this) {
            closed = true;
            c = connection;
            connection = null;
            pending = attempt;
        }
        if (c == null && pending != null && !pending.isDone()) {
            // The connecting thread sees "closed" and closes what it opened; wait so the caller may then shut
            // down the client's event loops without a connection still registering on them.
            try {
                pending.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("Redis {} connection attempt did not finish before close: {}", name, describe(e));
            }
        }
        if (c != null) {
            try {
                closer.accept(c);
            } catch (RuntimeException e) {
                LOG.debug("closing Redis {} connection failed: {}", name, describe(e));
            }
        }
    }
}
