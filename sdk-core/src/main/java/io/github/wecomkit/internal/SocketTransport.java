package io.github.wecomkit.internal;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The default transport: a small HTTP/1.1 client over JDK sockets with a keep-alive pool, for one origin.
 *
 * <p>Why not {@code HttpURLConnection} or {@code java.net.http.HttpClient}: both re-send a GET by themselves when
 * the first copy got no answer (a reset or an empty reply), on any connection, below the caller. A login code is
 * single-use, so wecomkit must know exactly whether a request may have reached WeCom. Here a GET is sent again
 * only when it failed on a pooled connection before a single response byte arrived: the server had closed that
 * idle connection (an idle timeout, a restart), so it never processed the request. Before a GET with a single-use
 * input (a login code) is written on a connection that idled for a while, the connection is probed for such a
 * close (a read of at most a millisecond), which leaves only the rare server that processed the request and
 * then died without a byte. A POST (a message, a change) is never sent twice by the transport: every pooled
 * connection is probed before a POST is written on it, and a failure after the write is reported as possibly
 * delivered. On a new connection nothing is re-sent. Measured on loopback this client is also faster for WeCom's
 * small JSON calls.
 *
 * <p>Bounded in time: opening a connection (DNS, TCP to each address in turn, a proxy tunnel, the TLS handshake)
 * ends by the connect timeout, and an exchange (the request, then every read of the status line, headers, chunks,
 * trailers and body) by the request timeout, however the server paces its bytes. Bounded in size: see the caps in
 * {@link HttpConnection}.
 *
 * <p>HTTPS uses the JDK's default trust (or the caller's {@link SSLContext}) with hostname verification and SNI.
 * Through an HTTP proxy ({@link ProxyConfig}), HTTPS goes through a {@code CONNECT} tunnel and plain HTTP in
 * absolute form; tunnelled connections are pooled like direct ones, and the no-resend rule holds the same way.
 */
public final class SocketTransport implements HttpTransport {
    /** Bodies larger than this are not WeCom's JSON; reading stops instead of filling memory. */
    static final int MAX_BODY_BYTES = HttpConnection.MAX_BODY_BYTES;
    /** Idle connections kept per client: enough for the concurrency one app instance sees. */
    static final int MAX_IDLE_CONNECTIONS = 64;
    /** A connection idle longer than this is closed instead of reused; servers drop idle ones after a while. */
    static final long MAX_IDLE_NANOS = Duration.ofSeconds(30).toNanos();
    /**
     * A pooled connection idle longer than this is probed for a close by the server before a GET with a
     * single-use input. Under load connections are reused within milliseconds and never probed (a probe of a live
     * connection waits a millisecond); a connection a server closes for idleness has idled for seconds.
     */
    static final long PROBE_IDLE_NANOS = Duration.ofMillis(500).toNanos();
    private static final String CLOSED = "the HTTP transport is closed: its WeComClient was closed";

    private final String origin;
    /** {@code host:port}, for messages. */
    private final String hostPort;
    private final byte[] fixedHeaders;
    private final ProxyConfig proxy;
    private final Connector connector;
    private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    /** Every socket this transport opened and has not closed yet, idle or in use. */
    private final Set<DeadlineSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A direct transport with the JDK's default trust.
     *
     * @param baseUrl        the origin (and optional path prefix) every URL sent through this transport starts with
     * @param connectTimeout the time to open a connection: DNS, TCP, proxy tunnel and TLS handshake together
     */
    public SocketTransport(String baseUrl, Duration connectTimeout) {
        this(baseUrl, connectTimeout, ProxyConfig.direct(), null);
    }

    /**
     * @param baseUrl        the origin (and optional path prefix) every URL sent through this transport starts with
     * @param connectTimeout the time to open a connection: DNS, TCP, proxy tunnel and TLS handshake together
     * @param proxy          how to reach the origin
     * @param sslContext     the TLS trust and keys for HTTPS, or {@code null} for the JDK's default
     */
    public SocketTransport(String baseUrl, Duration connectTimeout, ProxyConfig proxy, SSLContext sslContext) {
        this(baseUrl, connectTimeout, proxy, sslContext, Resolver.SYSTEM);
    }

    SocketTransport(String baseUrl, Duration connectTimeout, ProxyConfig proxy, SSLContext sslContext,
                    Resolver resolver) {
        Objects.requireNonNull(proxy, "proxy == null");
        URI uri = URI.create(baseUrl);
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        String rawHost = uri.getHost();
        String host = rawHost.startsWith("[") ? rawHost.substring(1, rawHost.length() - 1) : rawHost;
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        String authority = uri.getPort() != -1 ? rawHost + ":" + uri.getPort() : rawHost;
        this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
        this.hostPort = rawHost + ":" + port;
        this.proxy = proxy;
        this.fixedHeaders = ("Host: " + authority + "\r\nUser-Agent: " + Version.USER_AGENT
                + "\r\nAccept: application/json\r\n").getBytes(StandardCharsets.US_ASCII);
        SSLSocketFactory factory = !tls ? null : sslContext != null ? sslContext.getSocketFactory()
                : (SSLSocketFactory) SSLSocketFactory.getDefault();
        this.connector = new Connector(URI.create(origin), host, port, factory, proxy, resolver,
                Math.max(1_000_000, connectTimeout.toNanos()), this::newSocket);
    }

    @Override
    public Response send(String method, String url, byte[] body, Duration timeout, boolean idempotent)
            throws TransportFailure {
        if (closed) {
            throw new IllegalStateException(CLOSED);
        }
        if (!url.startsWith(origin)) {
            throw new IllegalArgumentException("URL outside this transport's origin");
        }
        long timeoutNanos = timeout.toNanos();
        boolean post = !"GET".equals(method);
        HttpConnection pooled = takeIdle();
        if (pooled != null && (post || !idempotent && System.nanoTime() - pooled.idleSince > PROBE_IDLE_NANOS)
                && pooled.closedByServer()) {
            // Its siblings idled as long or longer: drop them too, and send on a new connection.
            pooled.close();
            closeIdle();
            pooled = null;
        }
        if (pooled != null) {
            try {
                return exchange(pooled, method, url, body, timeoutNanos);
            } catch (IOException e) {
                pooled.close();
                if (closed) {
                    throw TransportFailure.closed(e);
                }
                if (pooled.responseBytes > 0 || e instanceof SocketTimeoutException || post) {
                    // A server that processed a POST and then dropped the connection looks the same as one that
                    // had closed it while idle: a side effect is never risked twice.
                    throw failure(pooled, e, timeoutNanos);
                }
                // The server had closed this idle connection: it never saw the request. Its pooled siblings are
                // likely dead too (a restart, an idle timeout), so drop them and go again on a new connection.
                closeIdle();
            }
        }
        HttpConnection fresh = open();
        try {
            return exchange(fresh, method, url, body, timeoutNanos);
        } catch (IOException e) {
            fresh.close();
            if (closed) {
                throw TransportFailure.closed(e);
            }
            throw failure(fresh, e, timeoutNanos);
        }
    }

    /**
     * Closes every connection, idle or in use: a call in flight fails at once, and later calls throw
     * {@link IllegalStateException}. Closing twice is harmless.
     */
    @Override
    public void close() {
        closed = true;
        closeIdle();
        for (DeadlineSocket s : sockets) {
            HttpConnection.closeQuietly(s); // aborts a read in flight; its caller closes its TLS layer
        }
    }

    private HttpConnection open() throws TransportFailure {
        try {
            return connector.open();
        } catch (TransportFailure f) {
            if (closed) {
                throw TransportFailure.closed(f);
            }
            throw f;
        }
    }

    private DeadlineSocket newSocket() {
        DeadlineSocket s = new DeadlineSocket(sockets);
        sockets.add(s);
        if (closed) {
            HttpConnection.closeQuietly(s);
            throw new IllegalStateException(CLOSED);
        }
        return s;
    }

    private TransportFailure failure(HttpConnection c, IOException e, long timeoutNanos) {
        String peer = hostPort + (c.proxy == null ? "" : " via proxy " + c.proxy);
        String what;
        if (e instanceof SocketTimeoutException) {
            what = "timed out: no complete answer from " + peer + " within the request timeout ("
                    + timeoutNanos / 1_000_000 + " ms)";
        } else if (e instanceof HttpConnection.Rejected || e instanceof EOFException) {
            // our own messages, naming the rule or the moment
            what = "bad answer from " + peer + ": " + e.getMessage();
        } else {
            what = TransportFailure.describe("I/O error with " + peer, e);
        }
        return new TransportFailure(what, true, e);
    }

    private Response exchange(HttpConnection c, String method, String url, byte[] body, long timeoutNanos)
            throws IOException, TransportFailure {
        c.begin(System.nanoTime() + timeoutNanos, false);
        c.out.write(request(method, url, body, c.absoluteForm));
        c.out.flush();
        HttpConnection.Head head = c.readHead();
        int status = head.status;
        if (status == 407 && c.absoluteForm) {
            // Only a proxy answers 407; it did not forward the request.
            c.close();
            throw Connector.refused(c.proxy, "request to " + hostPort, status, proxy.hasCredentials());
        }
        boolean reusable = !head.close && (head.chunked || head.contentLength >= 0 || status == 204 || status == 304);
        byte[] answer = c.readBody(head);
        if (reusable) {
            release(c);
        } else {
            c.close();
        }
        return new Response(status, answer);
    }

    private byte[] request(String method, String url, byte[] body, boolean absoluteForm) {
        String target = absoluteForm ? url : url.substring(origin.length());
        StringBuilder line = new StringBuilder(method.length() + target.length() + 12)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        byte[] start = line.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] auth = absoluteForm ? proxy.authorization() : null;
        byte[] length = body == null ? null
                : ("Content-Type: application/json; charset=utf-8\r\nContent-Length: " + body.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
        int size = start.length + fixedHeaders.length + (auth == null ? 0 : auth.length)
                + (length == null ? 0 : length.length + body.length) + 2;
        byte[] all = new byte[size];
        int at = append(all, 0, start);
        at = append(all, at, fixedHeaders);
        if (auth != null) {
            at = append(all, at, auth);
        }
        if (length != null) {
            at = append(all, at, length);
        }
        all[at++] = '\r';
        all[at++] = '\n';
        if (body != null) {
            append(all, at, body);
        }
        return all;
    }

    private static int append(byte[] to, int at, byte[] part) {
        System.arraycopy(part, 0, to, at, part.length);
        return at + part.length;
    }

    private HttpConnection takeIdle() {
        HttpConnection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - c.idleSince < MAX_IDLE_NANOS) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void release(HttpConnection c) {
        if (idleCount.incrementAndGet() <= MAX_IDLE_CONNECTIONS) {
            c.idleSince = System.nanoTime();
            idle.offerFirst(c);
            if (closed) {
                closeIdle(); // close() ran while this exchange finished
            }
        } else {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    private void closeIdle() {
        HttpConnection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    /** @return the transport and its proxy; never credentials */
    @Override
    public String toString() {
        return "SocketTransport{proxy=" + proxy.describe() + "}";
    }
}
