package io.github.wecomkit.internal;

import io.github.wecomkit.error.WeComInterruptedException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A limit on the requests one client has in flight, around any transport: at most {@code maxConnections} sends
 * run at once; the others wait their turn in arrival order (a fair semaphore), each for at most its request
 * timeout, and a call cancelled while it waited is not sent.
 *
 * <p><b>Why this bounds sockets.</b> The default {@link SocketTransport} uses a connection for one request at a
 * time and opens a new one only when its idle pool is empty; it puts the connection back into the pool before
 * {@code send} returns, and so before the permit is given back. A sender holding a permit who finds the pool
 * empty therefore knows that every other open connection belongs to another permit holder: at most
 * {@code maxConnections} connections are open at any moment (the pool closes the ones it cannot keep). Without
 * the limit, 10,000 concurrent callers would mean up to 10,000 sockets. The same limit also bounds the concurrent
 * requests of a caller's own {@code HttpClient}. No permit is held while a caller waits for a token, so a token
 * refresh always finds one.
 */
public final class LimitingTransport implements HttpTransport {
    private final HttpTransport delegate;
    private final int maxConnections;
    private final Semaphore permits;

    /**
     * @param delegate       sends the requests
     * @param maxConnections the most requests in flight at once, at least 1
     */
    public LimitingTransport(HttpTransport delegate, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.delegate = delegate;
        this.maxConnections = maxConnections;
        this.permits = new Semaphore(maxConnections, true);
    }

    /** @return the limit */
    public int maxConnections() {
        return maxConnections;
    }

    /** @return the requests in flight now (for tests and health checks) */
    public int inFlight() {
        return maxConnections - permits.availablePermits();
    }

    /** @return the callers waiting for a connection now (an estimate, for tests and health checks) */
    public int waiting() {
        return permits.getQueueLength();
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent)
            throws TransportFailure {
        return send(method, url, body, timeout, idempotent, () -> false);
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent,
                         BooleanSupplier cancelled) throws TransportFailure {
        acquire(timeout);
        try {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled while waiting for a connection; nothing was sent");
            }
            return delegate.send(method, url, body, timeout, idempotent);
        } finally {
            permits.release();
        }
    }

    private void acquire(Duration timeout) throws TransportFailure {
        boolean acquired;
        try {
            // tryAcquire with a timeout honours the fair order; the untimed tryAcquire() would barge.
            acquired = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WeComInterruptedException(e);
        }
        if (!acquired) {
            // Not sent: ApiCaller may retry it under its policy, even a single-use login code.
            throw new TransportFailure("no connection became free within the request timeout (all "
                    + maxConnections + " in use)", false, null);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate + " limited to " + maxConnections + " connections";
    }
}
