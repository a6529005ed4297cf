package io.github.wecomkit.internal;

import io.github.wecomkit.internal.HttpTransport.TransportFailure;
import io.github.wecomkit.internal.ProxyConfig.Route;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Opens the default transport's connections to one origin, all within the connect timeout: the DNS lookup, a TCP
 * connect to each resolved address in turn, the proxy's {@code CONNECT} tunnel, and the TLS handshake (with
 * hostname verification and SNI). Nothing of a request is sent until it returns, so every failure here is "not
 * sent", and its message may quote the JDK's reason: it cannot contain a query string.
 */
final class Connector {
    static final String CONNECT_HINT = "check the network, a firewall, or the baseUrl and proxy settings";
    private static final String TLS_HINT = "the server's certificate must be trusted and name the host; behind a"
            + " TLS-intercepting proxy, pass its CA with sslContext(..)";
    private static final String PROXY_HINT = "check the proxy's host and port, and the network to it";
    /** Addresses named in a message; WeCom's host has a handful, more would only make it long. */
    private static final int ADDRESSES_SHOWN = 4;

    private final String host;
    private final int port;
    /** {@code host:port} as the user knows it, IPv6 literals in brackets. */
    private final String hostPort;
    private final URI origin;
    private final long connectTimeoutNanos;
    /** Null for plain HTTP. */
    private final SSLSocketFactory tls;
    private final ProxyConfig proxy;
    private final Resolver resolver;
    private final Supplier<DeadlineSocket> sockets;
    /** {@code CONNECT host:port} with the proxy's credentials, ready to write. */
    private final byte[] connectRequest;

    Connector(URI origin, String host, int port, SSLSocketFactory tls, ProxyConfig proxy, Resolver resolver,
              long connectTimeoutNanos, Supplier<DeadlineSocket> sockets) {
        this.origin = origin;
        this.host = host;
        this.port = port;
        this.hostPort = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        this.tls = tls;
        this.proxy = proxy;
        this.resolver = resolver;
        this.connectTimeoutNanos = connectTimeoutNanos;
        this.sockets = sockets;
        byte[] head = ("CONNECT " + hostPort + " HTTP/1.1\r\nHost: " + hostPort + "\r\nUser-Agent: "
                + Version.USER_AGENT + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] auth = proxy.authorization();
        byte[] all = new byte[head.length + auth.length + 2];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(auth, 0, all, head.length, auth.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        this.connectRequest = all;
    }

    /** @return a connection ready for a request, the deadline still set for the connect phase */
    HttpConnection open() throws TransportFailure {
        long deadline = System.nanoTime() + connectTimeoutNanos;
        Route route;
        try {
            route = proxy.route(origin);
        } catch (ProxyConfig.UnsupportedProxy e) {
            throw TransportFailure.proxy(e.proxy, "could not connect to " + hostPort + ": " + e.getMessage(), 0,
                    false, "configure an HTTP proxy with proxy(..) or proxySelector(..)", null);
        }
        if (route == null) {
            DeadlineSocket raw = connect(host, port, null, deadline, null);
            return tls == null ? connection(raw, raw, null, false) : handshake(raw, deadline, null);
        }
        DeadlineSocket raw = connect(route.host, route.port, route.address, deadline, route);
        if (tls == null) {
            return connection(raw, raw, route.label(), true);
        }
        tunnel(raw, route.label());
        return handshake(raw, deadline, route.label());
    }

    /**
     * Tries every address of {@code name} in turn. Each but the last gets an equal share of the time left, so one
     * address that drops packets cannot use up the whole connect timeout and leave the others untried.
     */
    private DeadlineSocket connect(String name, int toPort, InetAddress known, long deadline, Route route)
            throws TransportFailure {
        String target = route == null ? hostPort : "proxy " + route.label() + " for " + hostPort;
        InetAddress[] addresses;
        if (known != null) {
            addresses = new InetAddress[] {known};
        } else {
            try {
                addresses = Resolver.resolve(resolver, name, deadline);
            } catch (UnknownHostException e) {
                throw failure(route, "could not connect to " + target + ": the name does not resolve ("
                        + reason(e) + ")", e);
            } catch (SocketTimeoutException e) {
                throw failure(route, "could not connect to " + target + ": the DNS lookup did not finish within the"
                        + " connect timeout (" + millis(connectTimeoutNanos) + " ms)", e);
            }
        }
        IOException last = null;
        int tried = 0;
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < addresses.length; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            int budget = (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / (addresses.length - i) / 1_000_000));
            DeadlineSocket s = sockets.get();
            tried++;
            if (i < ADDRESSES_SHOWN) {
                shown.append(i == 0 ? "" : ", ").append(addresses[i].getHostAddress());
            }
            try {
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(addresses[i], toPort), budget);
                s.deadline(deadline, true);
                return s;
            } catch (IOException e) {
                HttpConnection.closeQuietly(s);
                last = e;
            }
        }
        if (route != null && route.selector != null) {
            route.selector.connectFailed(origin, route.selected, last != null ? last
                    : new SocketTimeoutException("connect timeout"));
        }
        if (last == null) {
            throw failure(route, "could not connect to " + target + ": the connect timeout ("
                    + millis(connectTimeoutNanos) + " ms) passed before an address was tried", null);
        }
        if (tried > ADDRESSES_SHOWN) {
            shown.append(" and ").append(tried - ADDRESSES_SHOWN).append(" more");
        }
        String untried = tried < addresses.length ? ", " + (addresses.length - tried) + " not tried in time" : "";
        throw failure(route, "could not connect to " + target + " (tried " + shown + untried + ": " + reason(last)
                + ")", last);
    }

    private TransportFailure failure(Route route, String message, Throwable cause) {
        return route == null ? TransportFailure.connect(message, CONNECT_HINT, cause)
                : TransportFailure.proxy(route.label(), message, 0, true, PROXY_HINT, cause);
    }

    /** Asks the proxy for a tunnel to the origin; its answer is read within the connect deadline. */
    private void tunnel(DeadlineSocket raw, String proxyLabel) throws TransportFailure {
        try {
            HttpConnection c = new HttpConnection(raw, raw, proxyLabel, false);
            raw.getOutputStream().write(connectRequest);
            raw.getOutputStream().flush();
            HttpConnection.Head h = c.readHead();
            if (h.status >= 200 && h.status < 300) {
                if (c.in.available() > 0) {
                    throw new HttpConnection.Rejected("the proxy sent bytes after its answer to CONNECT");
                }
                return;
            }
            HttpConnection.closeQuietly(raw);
            throw refused(proxyLabel, "tunnel to " + hostPort, h.status, proxy.hasCredentials());
        } catch (IOException e) {
            HttpConnection.closeQuietly(raw);
            throw TransportFailure.proxy(proxyLabel, "the proxy did not open a tunnel to " + hostPort + " ("
                    + (e instanceof SocketTimeoutException ? "no answer within the connect timeout" : reason(e))
                    + ")", 0, true, PROXY_HINT, e);
        }
    }

    /** A proxy's refusal of a tunnel or a forwarded request: nothing reached the origin. */
    static TransportFailure refused(String proxyLabel, String what, int status, boolean hasCredentials) {
        String hint;
        boolean retryable = false;
        if (status == 407) {
            hint = hasCredentials ? "the proxy rejected the credentials: check proxyCredentials(..)"
                    : "the proxy wants credentials: set proxyCredentials(..)";
        } else if (status == 403) {
            hint = "the proxy forbids this destination or user: ask its admin to allow it";
        } else if (status >= 500) {
            hint = "the proxy could not reach WeCom: check the proxy's own network";
            retryable = true;
        } else {
            hint = "check that it is an HTTP proxy that allows CONNECT";
        }
        return TransportFailure.proxy(proxyLabel, "the proxy refused the " + what + " with HTTP " + status, status,
                retryable, hint, null);
    }

    private static HttpConnection connection(DeadlineSocket raw, Socket socket, String proxyLabel,
                                             boolean absoluteForm) throws TransportFailure {
        try {
            return new HttpConnection(raw, socket, proxyLabel, absoluteForm);
        } catch (IOException e) {
            HttpConnection.closeQuietly(raw);
            throw TransportFailure.connect("could not use the new connection (" + reason(e) + ")", null, e);
        }
    }

    private HttpConnection handshake(DeadlineSocket raw, long deadline, String proxyLabel) throws TransportFailure {
        String via = proxyLabel == null ? "" : " via proxy " + proxyLabel;
        try {
            SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!Resolver.isLiteral(host)) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            ssl.setSSLParameters(parameters);
            raw.deadline(deadline, true);
            ssl.startHandshake();
            return new HttpConnection(raw, ssl, proxyLabel, false);
        } catch (IOException | RuntimeException e) {
            HttpConnection.closeQuietly(raw);
            boolean late = e instanceof SocketTimeoutException;
            throw TransportFailure.connect("could not connect to " + hostPort + via + ": the TLS handshake "
                    + (late ? "did not finish within the connect timeout (" + millis(connectTimeoutNanos) + " ms)"
                            : "failed (" + reason(e) + ")"), late ? CONNECT_HINT : TLS_HINT, e);
        }
    }

    /**
     * The JDK's reason, which is safe here (nothing of the request exists yet): "Connection refused", or a
     * certificate problem such as "No subject alternative names matching IP address 127.0.0.1 found".
     */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof InterruptedIOException)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String name = root.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return name;
        }
        StringBuilder clean = new StringBuilder(Math.min(message.length(), 200));
        for (int i = 0; i < message.length() && clean.length() < 200; i++) {
            char c = message.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        return name + ": " + clean;
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
