package io.github.wecomkit.internal;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The one seam between wecomkit and an HTTP client. Implementations send one request, read the whole body,
 * and say, when they fail, whether the request may have reached the server.
 */
public interface HttpTransport extends AutoCloseable {

    /**
     * @param method  {@code GET} or {@code POST}
     * @param url     the full URL, query included
     * @param body    the JSON body for POST, or {@code null}
     * @param timeout the request timeout (connect excluded)
     * @return the status and body
     * @throws TransportFailure when no complete response arrived
     */
    Response send(String method, String url, byte[] body, Duration timeout) throws TransportFailure;

    /**
     * {@link #send(String, String, byte[], Duration)} for a call that can be cancelled (an async call): nothing is
     * sent once {@code cancelled} answers {@code true}. A transport that may hold a request back (a connection
     * limit) asks again when its turn comes; a request already being written or read is never interrupted.
     *
     * @throws CancellationException if the call was cancelled before anything was sent
     */
    default Response send(String method, String url, byte[] body, Duration timeout, BooleanSupplier cancelled)
            throws TransportFailure {
        if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled before it was sent");
        }
        return send(method, url, body, timeout);
    }

    /** Releases pooled connections; a transport that owns none does nothing. */
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

    /** No complete response. {@link #requestMayHaveBeenSent()} is false only when the server cannot have it. */
    final class TransportFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean requestMayHaveBeenSent;

        public TransportFailure(String message, boolean requestMayHaveBeenSent, Throwable cause) {
            super(message, cause);
            this.requestMayHaveBeenSent = requestMayHaveBeenSent;
        }

        public boolean requestMayHaveBeenSent() {
            return requestMayHaveBeenSent;
        }

        /** JDK I/O messages name hosts and ports, never query strings; keep only what kind of failure it was. */
        static String describe(String what, Exception e) {
            return what + " (" + e.getClass().getSimpleName() + ")";
        }
    }
}
