package io.github.wecomkit.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The default transport: a small HTTP/1.1 client over JDK sockets with a keep-alive pool, for one origin.
 *
 * <p>Why not {@code HttpURLConnection} or {@code java.net.http.HttpClient}: both re-send a GET by themselves when
 * the first copy got no answer (a reset or an empty reply), on any connection, below the caller. A login code is
 * single-use, so wecomkit must know exactly whether a request may have reached WeCom. Here a GET is sent
 * again only when it failed on a pooled connection before a single response byte arrived: the server had closed
 * that idle connection, so it never processed the request. On a new connection nothing is re-sent; the failure is
 * reported as possibly delivered. A POST (a message, a change) is never sent twice by the transport, pooled
 * connection or not, because a server that processed it and then dropped the connection looks the same as one
 * that had closed it while idle; instead a pooled connection is checked for a close by the server before a POST
 * is written on it. Measured on loopback this client is also faster for WeCom's small JSON calls.
 *
 * <p>HTTPS uses the JDK's default trust store and hostname verification, with SNI. There is no proxy support:
 * callers behind a proxy pass their own {@code HttpClient} to the builder.
 */
public final class SocketTransport implements HttpTransport {
    /** Bodies larger than this are not WeCom's JSON; reading stops instead of filling memory. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** A status line or header longer than this is not from WeCom. */
    static final int MAX_LINE_BYTES = 16 * 1024;
    /** Idle connections kept per client: enough for the concurrency one app instance sees. */
    static final int MAX_IDLE_CONNECTIONS = 64;
    /** A connection idle longer than this is closed instead of reused; servers drop idle ones after a while. */
    static final long MAX_IDLE_NANOS = Duration.ofSeconds(30).toNanos();

    private final String origin;
    private final String host;
    private final int port;
    private final boolean tls;
    private final int connectTimeoutMillis;
    private final byte[] fixedHeaders;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    /**
     * @param baseUrl        the origin (and optional path prefix) every URL sent through this transport starts with
     * @param connectTimeout the time to open a connection, TLS handshake included
     */
    public SocketTransport(String baseUrl, Duration connectTimeout) {
        URI uri = URI.create(baseUrl);
        this.tls = "https".equalsIgnoreCase(uri.getScheme());
        String rawHost = uri.getHost();
        this.host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        String authority = uri.getPort() != -1 ? rawHost + ":" + uri.getPort() : rawHost;
        this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
        this.connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.fixedHeaders = ("Host: " + authority + "\r\nUser-Agent: " + Version.USER_AGENT
                + "\r\nAccept: application/json\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout) throws TransportFailure {
        if (!url.startsWith(origin)) {
            throw new IllegalArgumentException("URL outside this transport's origin");
        }
        byte[] request = request(method, url.substring(origin.length()), body);
        long timeoutNanos = timeout.toNanos();
        boolean safe = "GET".equals(method);
        Connection pooled = takeIdle();
        if (pooled != null && !safe && pooled.closedByServer()) {
            // Its siblings idled as long or longer: drop them too, and write the POST on a new connection.
            pooled.close();
            closeIdle();
            pooled = null;
        }
        if (pooled != null) {
            try {
                return exchange(pooled, request, timeoutNanos);
            } catch (IOException e) {
                pooled.close();
                if (pooled.responseBytes > 0 || e instanceof SocketTimeoutException || !safe) {
                    throw new TransportFailure(TransportFailure.describe(failureKind(e), e), true, e);
                }
                // The server had closed this idle connection: it never saw the request. Its pooled siblings are
                // likely dead too (a restart, an idle timeout), so drop them and go again on a new connection.
                closeIdle();
            }
        }
        Connection fresh = open();
        try {
            return exchange(fresh, request, timeoutNanos);
        } catch (IOException e) {
            fresh.close();
            throw new TransportFailure(TransportFailure.describe(failureKind(e), e), true, e);
        }
    }

    private static String failureKind(IOException e) {
        return e instanceof SocketTimeoutException ? "timed out" : "I/O error";
    }

    private byte[] request(String method, String target, byte[] body) {
        StringBuilder line = new StringBuilder(method.length() + target.length() + 12)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        byte[] start = line.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] length = body == null ? new byte[0]
                : ("Content-Type: application/json; charset=utf-8\r\nContent-Length: " + body.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        int bodyLength = body == null ? 0 : body.length;
        byte[] all = new byte[start.length + fixedHeaders.length + length.length + 2 + bodyLength];
        int at = 0;
        System.arraycopy(start, 0, all, at, start.length);
        at += start.length;
        System.arraycopy(fixedHeaders, 0, all, at, fixedHeaders.length);
        at += fixedHeaders.length;
        System.arraycopy(length, 0, all, at, length.length);
        at += length.length;
        all[at++] = '\r';
        all[at++] = '\n';
        if (body != null) {
            System.arraycopy(body, 0, all, at, bodyLength);
        }
        return all;
    }

    private Connection takeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void release(Connection c) {
        if (idleCount.incrementAndGet() <= MAX_IDLE_CONNECTIONS) {
            c.idleSince = System.nanoTime();
            idle.offerFirst(c);
        } else {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    private void closeIdle() {
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    private Connection open() throws TransportFailure {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            if (tls) {
                SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, host, port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(connectTimeoutMillis);
                ssl.startHandshake();
                socket = ssl;
            }
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket that failed to open
            }
            throw new TransportFailure(TransportFailure.describe("could not connect", e), false, e);
        }
    }

    private Response exchange(Connection c, byte[] request, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        c.socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000)));
        c.responseBytes = 0;
        c.out.write(request);
        c.out.flush();

        int status;
        boolean http10;
        long contentLength;
        boolean chunked;
        boolean close;
        do {
            String statusLine = c.readLine();
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line");
            }
            http10 = statusLine.charAt(7) == '0';
            status = parseStatus(statusLine);
            contentLength = -1;
            chunked = false;
            close = http10;
            String header;
            while (!(header = c.readLine()).isEmpty()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    contentLength = parseLength(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    String v = value.toLowerCase(java.util.Locale.ROOT);
                    close = v.contains("close") || (http10 && !v.contains("keep-alive"));
                }
            }
        } while (status >= 100 && status < 200);

        byte[] body;
        boolean reusable = !close;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = c.readChunked(deadline);
        } else if (contentLength >= 0) {
            body = c.readExactly(contentLength, deadline);
        } else {
            body = c.readToEnd(deadline);
            reusable = false;
        }
        if (reusable) {
            release(c);
        } else {
            c.close();
        }
        return new Response(status, body);
    }

    private static int parseStatus(String statusLine) throws IOException {
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char ch = statusLine.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new IOException("malformed HTTP status");
            }
            status = status * 10 + (ch - '0');
        }
        return status;
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new IOException("negative Content-Length");
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length");
        }
    }

    /** One socket, used by one request at a time. */
    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] line = new byte[256];
        long idleSince;
        long responseBytes;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
        }

        /**
         * Whether the server has closed this idle connection (or sent something unasked, which makes it unusable
         * too). Waits at most a millisecond for the answer; only requests that must not be re-sent ask.
         */
        boolean closedByServer() {
            try {
                if (in.available() > 0) {
                    return true;
                }
                socket.setSoTimeout(1);
                in.read(); // a byte nobody asked for, or -1 (end of stream): either way the connection is done
                return true;
            } catch (SocketTimeoutException e) {
                return false; // nothing to read and no end of stream: still open
            } catch (IOException e) {
                return true;
            }
        }

        private int read() throws IOException {
            int b = in.read();
            if (b == -1) {
                throw new EOFException(responseBytes == 0 ? "connection closed before any response byte"
                        : "connection closed mid-response");
            }
            responseBytes++;
            return b;
        }

        String readLine() throws IOException {
            byte[] buf = line;
            int n = 0;
            while (true) {
                int b = read();
                if (b == '\n') {
                    int end = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
                    return new String(buf, 0, end, StandardCharsets.ISO_8859_1);
                }
                if (n == MAX_LINE_BYTES) {
                    throw new IOException("HTTP line too long");
                }
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(MAX_LINE_BYTES, buf.length * 2));
                }
                buf[n++] = (byte) b;
            }
        }

        byte[] readExactly(long length, long deadline) throws IOException {
            if (length > MAX_BODY_BYTES) {
                throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
            }
            byte[] body = new byte[(int) length];
            int at = 0;
            while (at < body.length) {
                int n = in.read(body, at, body.length - at);
                if (n == -1) {
                    throw new EOFException("connection closed mid-body");
                }
                at += n;
                responseBytes += n;
                checkDeadline(deadline);
            }
            return body;
        }

        byte[] readChunked(long deadline) throws IOException {
            byte[] body = new byte[1024];
            int size = 0;
            while (true) {
                String sizeLine = readLine();
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
                int chunk;
                try {
                    chunk = Integer.parseInt(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size");
                }
                if (chunk < 0 || size + (long) chunk > MAX_BODY_BYTES) {
                    throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
                }
                if (chunk == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers are ignored
                    }
                    return Arrays.copyOf(body, size);
                }
                if (size + chunk > body.length) {
                    body = Arrays.copyOf(body, Math.max(size + chunk, body.length * 2));
                }
                byte[] part = readExactly(chunk, deadline);
                System.arraycopy(part, 0, body, size, chunk);
                size += chunk;
                if (!readLine().isEmpty()) {
                    throw new IOException("malformed chunk end");
                }
            }
        }

        byte[] readToEnd(long deadline) throws IOException {
            byte[] body = new byte[1024];
            int size = 0;
            int n;
            while ((n = in.read(body, size, body.length - size)) != -1) {
                size += n;
                responseBytes += n;
                if (size > MAX_BODY_BYTES) {
                    throw new IOException("response body larger than " + MAX_BODY_BYTES + " bytes");
                }
                if (size == body.length) {
                    body = Arrays.copyOf(body, body.length * 2);
                }
                checkDeadline(deadline);
            }
            return Arrays.copyOf(body, size);
        }

        private static void checkDeadline(long deadline) throws SocketTimeoutException {
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("request timeout");
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do: the connection is discarded either way
            }
        }
    }
}
