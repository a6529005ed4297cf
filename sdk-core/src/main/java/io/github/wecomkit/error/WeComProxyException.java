package io.github.wecomkit.error;

/**
 * The HTTP proxy between this client and WeCom failed, not WeCom: it could not be reached, or it refused the
 * request (407 wants credentials, 403 forbids the destination, 502 could not reach WeCom). {@link #proxy()} names
 * it; {@link #httpStatus()} is the proxy's status, or 0 when it could not be reached. Nothing reached WeCom, so
 * {@link #mayHaveReachedWeCom()} is {@code false}, and a login code is still unused. {@link #retryable()} is
 * {@code false} for 407 and 403: retrying does not help until the proxy settings change.
 *
 * <pre>{@code
 * catch (WeComProxyException e) {
 *     log.error("WeCom proxy {} refused: {}", e.proxy(), e.getMessage());
 * }
 * }</pre>
 */
public class WeComProxyException extends WeComTransportException {
    private static final long serialVersionUID = 1L;

    private final String proxy;

    /**
     * @param message    what failed, naming the proxy (never its credentials)
     * @param api        the API path
     * @param proxy      the proxy's {@code host:port}
     * @param httpStatus the proxy's HTTP status, or 0 if it could not be reached
     * @param retryable  whether calling again later can succeed without a configuration change
     * @param cause      the I/O failure, or {@code null}
     */
    public WeComProxyException(String message, String api, String proxy, int httpStatus, boolean retryable,
                               Throwable cause) {
        super(message, api, httpStatus, false, retryable, cause);
        this.proxy = proxy;
    }

    /** @return the proxy's {@code host:port} */
    public String proxy() {
        return proxy;
    }
}
