package io.github.wecomkit.benchmarks;

/**
 * One way of calling WeCom that the harness measures: an SDK or a hand-written client.
 *
 * <pre>{@code
 * try (Contender c = new UrlConnectionBaseline(stub.baseUrl())) {
 *     String userId = c.login("code");
 * }
 * }</pre>
 */
public interface Contender extends AutoCloseable {

    /** The row label in the report. */
    String name();

    /** Exchanges a login code and returns the user id: the result is used so no work is optimised away. */
    String login(String code) throws Exception;

    /** Reads a member and returns its name. */
    String getUser(String userId) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
