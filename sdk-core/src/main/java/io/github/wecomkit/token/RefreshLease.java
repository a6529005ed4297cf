package io.github.wecomkit.token;

/**
 * The right, for a bounded time, to fetch a new token for one key. Whoever holds it calls {@code gettoken};
 * everyone else waits for the token it stores. Closing releases the lease only if it is still this holder's
 * (an expired lease that someone else took over is left alone).
 *
 * <pre>{@code
 * try (RefreshLease lease = store.tryAcquireLease(key, Duration.ofSeconds(10)).orElseThrow()) {
 *     store.put(key, fetch());
 * }
 * }</pre>
 */
public interface RefreshLease extends AutoCloseable {
    /** Releases the lease if this holder still owns it; never throws. */
    @Override
    void close();
}
