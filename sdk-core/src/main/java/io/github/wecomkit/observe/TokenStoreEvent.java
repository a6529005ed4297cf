package io.github.wecomkit.observe;

/**
 * The token store failed (tokens are now held in process only) or answers again.
 *
 * @param state degraded or recovered
 * @param store the store's {@code toString()} (never a URI or password)
 * @param error on {@code DEGRADED}, the simple name of the exception the store threw, else {@code null}
 */
public record TokenStoreEvent(State state, String store, String error) {

    /** The store's state. */
    public enum State { DEGRADED, RECOVERED }
}
