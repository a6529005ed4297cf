package io.github.wecomkit.error;

/**
 * The call did not get an answer from WeCom: connection refused or reset, a timeout, or an HTTP error status
 * such as a 502 from a proxy. {@link #retryable()} is {@code true} except for a proxy that refuses this client
 * ({@link WeComProxyException}); {@link #mayHaveReachedWeCom()} says whether WeCom may have processed the request
 * (which matters for single-use login codes). The message names the host and port tried and the likely fix.
 *
 * <pre>{@code
 * catch (WeComTransportException e) {
 *     return serviceUnavailable();
 * }
 * }</pre>
 */
public class WeComTransportException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final String api;
    private final int httpStatus;
    private final boolean mayHaveReachedWeCom;

    /**
     * @param message             what failed (no secret, no token)
     * @param api                 the API path
     * @param httpStatus          the HTTP status received, or 0 if none
     * @param mayHaveReachedWeCom whether the request may have been processed
     * @param cause               the I/O failure, or {@code null}
     */
    public WeComTransportException(String message, String api, int httpStatus, boolean mayHaveReachedWeCom,
                                   Throwable cause) {
        this(message, api, httpStatus, mayHaveReachedWeCom, true, cause);
    }

    /**
     * @param message             what failed (no secret, no token)
     * @param api                 the API path
     * @param httpStatus          the HTTP status received, or 0 if none
     * @param mayHaveReachedWeCom whether the request may have been processed
     * @param retryable           whether calling again later can succeed without a configuration change
     * @param cause               the I/O failure, or {@code null}
     */
    protected WeComTransportException(String message, String api, int httpStatus, boolean mayHaveReachedWeCom,
                                      boolean retryable, Throwable cause) {
        super(message + ": api=" + api + (httpStatus > 0 ? ", httpStatus=" + httpStatus : ""), cause, retryable);
        this.api = api;
        this.httpStatus = httpStatus;
        this.mayHaveReachedWeCom = mayHaveReachedWeCom;
    }

    /** @return the API path that failed */
    public String api() {
        return api;
    }

    /** @return the HTTP status received (from a proxy, for a {@link WeComProxyException}), or 0 when none */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return whether WeCom may have received and processed the request */
    public boolean mayHaveReachedWeCom() {
        return mayHaveReachedWeCom;
    }
}
