package io.github.wecomkit.error;

/**
 * wecomkit itself, not WeCom, refused to start an async call: the client's async executor rejected it (the
 * bounded default's queue is full, or an executor of yours refused or was shut down). Nothing was sent to WeCom,
 * so the call can be made again once the load drops. {@link #retryable()} is {@code true}.
 *
 * <pre>{@code
 * client.async().login(code).whenComplete((session, e) -> {
 *     if (e instanceof ClientBusyException) {
 *         reply(503); // shed load: too many logins in flight
 *     }
 * });
 * }</pre>
 */
public class ClientBusyException extends WeComException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what refused the call (never a secret)
     * @param cause   the executor's rejection, or {@code null}
     */
    public ClientBusyException(String message, Throwable cause) {
        super(message, cause, true);
    }
}
