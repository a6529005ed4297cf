package io.github.wecomkit.internal;

import io.github.wecomkit.error.WeComProxyException;
import io.github.wecomkit.error.WeComTransportException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The one seam between wecomkit and an HTTP client. Implementations send one request, read the whole body,
 * and say, when they fail, whether the request may have reached the server.
 */
public interface HttpTransport extends AutoCloseable {

    /**
     * @param method     {@code GET} or {@code POST}
     * @param url        the full URL, query included
     * @param body       the JSON body for POST, or {@code null}
     * @param timeout    the request timeout (connect excluded)
     * @param idempotent whether a second copy of the request is harmless (a read); a request with a single-use
     *                   input (a login code) is not. The transport may take care before writing such a request
     *                   on a pooled connection (SocketTransport probes one that idled for a while); a POST is
     *                   never sent twice by a transport
     * @return the status and body
     * @throws TransportFailure      when no complete response arrived
     * @throws IllegalStateException when the transport was closed
     */
    Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent)
            throws TransportFailure;

    /** {@link #send(String, String, byte[], Duration, boolean)}, a GET counting as idempotent (for tests). */
    default Response send(String method, String url, byte[] body, Duration timeout) throws TransportFailure {
        return send(method, url, body, timeout, "GET".equals(method));
    }

    /**
     * {@link #send(String, String, byte[], Duration, boolean)} for a call that can be cancelled (an async call):
     * nothing is sent once {@code cancelled} answers {@code true}. A transport that may hold a request back (a
     * connection limit) asks again when its turn comes; a request already being written or read is never
     * interrupted.
     *
     * @throws CancellationException if the call was cancelled before anything was sent
     */
    default Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent,
                          BooleanSupplier cancelled) throws TransportFailure {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled before it was sent");
        }
        return send(method, url, body, timeout, idempotent);
    }

    /**
     * Releases what the transport holds; later sends fail with {@link IllegalStateException}. Closing twice is
     * harmless. The default holds nothing (a caller's own {@code HttpClient} is the caller's to close).
     */
    @Override
    default void close() {
    }

    /** An HTTP answer: status and the whole body. */
    final class Response {
        private final int status;
        private final byte[] body;

        public Response(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public byte[] body() {
            return body;
        }
    }

    /**
     * No complete response. {@link #requestMayHaveBeenSent()} is false only when the server cannot have it.
     * The message is safe to show: hosts, ports and kinds of failure, never a query string or a credential.
     */
    final class TransportFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean requestMayHaveBeenSent;
        private final boolean retryable;
        /** What the user can do about it, or null. */
        private final String hint;
        /** {@code host:port} of the proxy that failed or refused, or null when the proxy is not at fault. */
        private final String proxy;
        private final int proxyStatus;

        public TransportFailure(String message, boolean requestMayHaveBeenSent, Throwable cause) {
            this(message, requestMayHaveBeenSent, true, null, null, 0, cause);
        }

        private TransportFailure(String message, boolean requestMayHaveBeenSent, boolean retryable, String hint,
                                 String proxy, int proxyStatus, Throwable cause) {
            super(message, cause);
            this.requestMayHaveBeenSent = requestMayHaveBeenSent;
            this.retryable = retryable;
            this.hint = hint;
            this.proxy = proxy;
            this.proxyStatus = proxyStatus;
        }

        /** No connection could be opened (DNS, TCP, TLS): nothing was sent. */
        static TransportFailure connect(String message, String hint, Throwable cause) {
            return new TransportFailure(message, false, true, hint, null, 0, cause);
        }

        /**
         * The proxy could not be reached or refused the request before forwarding it: nothing reached WeCom.
         *
         * @param status    the proxy's HTTP status, or 0
         * @param retryable whether another attempt can succeed without a configuration change
         */
        static TransportFailure proxy(String proxy, String message, int status, boolean retryable, String hint,
                                      Throwable cause) {
            return new TransportFailure(message, false, retryable, hint, proxy, status, cause);
        }

        /** The transport was closed while this request was in flight; another attempt would fail at once. */
        static TransportFailure closed(Throwable cause) {
            return new TransportFailure("the client was closed during the call", true, false, null, null, 0, cause);
        }

        public boolean requestMayHaveBeenSent() {
            return requestMayHaveBeenSent;
        }

        /** @return whether another attempt may succeed (false for a closed transport or a proxy refusing us) */
        public boolean retryable() {
            return retryable;
        }

        /**
         * @param api      the API path, for the message
         * @param attempts how many attempts were made, this one included
         * @return the exception a caller of {@code api} sees: a {@link WeComProxyException} when the proxy failed
         */
        public WeComTransportException toException(String api, int attempts) {
            String tries = attempts == 1 ? " after 1 attempt: " : " after " + attempts + " attempts: ";
            String text = getMessage() + (hint == null ? "" : "; " + hint);
            if (proxy != null) {
                return new WeComProxyException("call through proxy " + proxy + " failed" + tries + text, api, proxy,
                        proxyStatus, retryable, getCause());
            }
            return new WeComTransportException("WeCom call failed" + tries + text, api, 0, requestMayHaveBeenSent,
                    getCause());
        }

        /** JDK I/O messages name hosts and ports, never query strings; keep only what kind of failure it was. */
        static String describe(String what, Exception e) {
            return what + " (" + e.getClass().getSimpleName() + ")";
        }
    }
}
