package io.github.wecomkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;

/**
 * A plain socket whose every read ends by one absolute deadline, however the peer paces its bytes.
 *
 * <p>{@code SO_TIMEOUT} alone bounds each read separately: a server that sends one byte just before each read
 * times out holds the caller for ever. Here each read of the socket's stream first sets {@code SO_TIMEOUT} to the
 * time left until the deadline, so the sum of all reads cannot pass it. A TLS socket layered over this one (see
 * {@link javax.net.ssl.SSLSocketFactory#createSocket(Socket, String, int, boolean)}) reads its records through
 * {@link #getInputStream()}, so the handshake and every record are bounded the same way, without a timer thread.
 *
 * <p>Used by one thread at a time; {@link #close()} may come from any thread and makes a blocked read fail at once.
 */
final class DeadlineSocket extends Socket {
    private final Set<DeadlineSocket> registry;
    private long deadlineNanos;
    private boolean timeoutIsConnect;
    private InputStream in;

    /** @param registry the open sockets of one transport; this socket leaves it when closed */
    DeadlineSocket(Set<DeadlineSocket> registry) {
        this.registry = registry;
    }

    /** Every read from now on must end by {@code deadlineNanos} ({@link System#nanoTime()} based). */
    void deadline(long deadlineNanos, boolean forConnect) {
        this.deadlineNanos = deadlineNanos;
        this.timeoutIsConnect = forConnect;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        if (in == null) {
            in = new DeadlineInput(super.getInputStream());
        }
        return in;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            registry.remove(this);
        }
    }

    private int timeLeftMillis() throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(timeoutIsConnect ? "connect timeout" : "request timeout");
        }
        // Round up: a 0 would mean "no timeout", and a read may well finish in the last fraction of a millisecond.
        return (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
    }

    private final class DeadlineInput extends InputStream {
        private final InputStream raw;

        DeadlineInput(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            setSoTimeout(timeLeftMillis());
            return raw.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            setSoTimeout(timeLeftMillis());
            return raw.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return raw.available();
        }

        @Override
        public void close() throws IOException {
            DeadlineSocket.this.close();
        }
    }
}
