package io.github.wecomkit.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * How the default transport reaches WeCom: directly, or through an HTTP forward proxy (a fixed one, or the one a
 * {@link ProxySelector} picks for each new connection). Immutable. The credentials are kept only as the encoded
 * header, which no message, log line or {@code toString()} shows.
 */
public final class ProxyConfig {
    private static final ProxyConfig DIRECT = new ProxyConfig(null, 0, null, false, null);

    private final String host;
    private final int port;
    private final ProxySelector selector;
    private final boolean system;
    /** {@code Proxy-Authorization: Basic ...\r\n}, or null. */
    private final byte[] authorization;

    private ProxyConfig(String host, int port, ProxySelector selector, boolean system, byte[] authorization) {
        this.host = host;
        this.port = port;
        this.selector = selector;
        this.system = system;
        this.authorization = authorization;
    }

    /** @return no proxy */
    public static ProxyConfig direct() {
        return DIRECT;
    }

    /** @return every connection through the HTTP proxy at {@code host:port} (resolved per new connection) */
    public static ProxyConfig fixed(String host, int port) {
        Objects.requireNonNull(host, "host == null");
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new ProxyConfig(bare, port, null, false, null);
    }

    /** @return each new connection through the proxy {@code selector} picks for WeCom's URL */
    public static ProxyConfig selector(ProxySelector selector) {
        return new ProxyConfig(null, 0, Objects.requireNonNull(selector, "selector == null"), false, null);
    }

    /**
     * @return each new connection through the proxy {@link ProxySelector#getDefault()} picks at that moment: the
     *     {@code https.proxyHost}/{@code http.proxyHost} system properties, {@code http.nonProxyHosts}, or the
     *     operating system's settings with {@code java.net.useSystemProxies=true}
     */
    public static ProxyConfig system() {
        return new ProxyConfig(null, 0, null, true, null);
    }

    /** @return this configuration, sending Basic credentials (RFC 7617, UTF-8) to the proxy */
    public ProxyConfig withCredentials(String username, String password) {
        Objects.requireNonNull(username, "username == null");
        Objects.requireNonNull(password, "password == null");
        String token = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        byte[] header = ("Proxy-Authorization: Basic " + token + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return new ProxyConfig(host, port, selector, system, header);
    }

    boolean isDirect() {
        return host == null && selector == null && !system;
    }

    /** The {@code Proxy-Authorization} header line, or an empty array; callers must not change it. */
    byte[] authorization() {
        return authorization == null ? new byte[0] : authorization;
    }

    boolean hasCredentials() {
        return authorization != null;
    }

    /**
     * @return the proxy for a new connection to {@code origin}, or {@code null} to connect directly
     * @throws UnsupportedProxy the selector picked a SOCKS proxy
     */
    Route route(URI origin) throws UnsupportedProxy {
        if (host != null) {
            return new Route(host, port, null, null, null);
        }
        if (selector == null && !system) {
            return null;
        }
        ProxySelector s = selector != null ? selector : ProxySelector.getDefault();
        List<Proxy> proxies = s == null ? List.of() : s.select(origin);
        // As the JDK's HttpClient does: the selector's first choice decides.
        Proxy first = proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
        if (first.type() == Proxy.Type.DIRECT) {
            return null;
        }
        SocketAddress address = first.address();
        if (first.type() != Proxy.Type.HTTP || !(address instanceof InetSocketAddress)) {
            // Going direct instead would send WeCom traffic from an IP the admin may not have trusted (60020).
            String label = address instanceof InetSocketAddress
                    ? new Route(((InetSocketAddress) address).getHostString(), ((InetSocketAddress) address).getPort(),
                            null, null, null).label()
                    : String.valueOf(address);
            throw new UnsupportedProxy(label, "the proxy selector chose a " + first.type() + " proxy; only HTTP"
                    + " proxies are supported");
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        return new Route(inet.getHostString(), inet.getPort(), inet.isUnresolved() ? null : inet.getAddress(), s,
                inet);
    }

    /** Which proxy one connection goes through. */
    static final class Route {
        final String host;
        final int port;
        /** The proxy's address when the selector gave a resolved one, else null (resolve {@link #host}). */
        final InetAddress address;
        /** The selector that chose this proxy and must hear when it cannot be reached, or null. */
        final ProxySelector selector;
        final SocketAddress selected;

        Route(String host, int port, InetAddress address, ProxySelector selector, SocketAddress selected) {
            this.host = host;
            this.port = port;
            this.address = address;
            this.selector = selector;
            this.selected = selected;
        }

        /** @return {@code host:port}, IPv6 literals in brackets */
        String label() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The configured selector picked a proxy this transport cannot speak. */
    static final class UnsupportedProxy extends Exception {
        private static final long serialVersionUID = 1L;
        final String proxy;

        UnsupportedProxy(String proxy, String message) {
            super(message);
            this.proxy = proxy;
        }
    }

    /**
     * @return how requests leave: {@code direct}, {@code host:port}, {@code selector} or {@code system}, with
     *     {@code (credentials set)} when there are any; never the credentials
     */
    public String describe() {
        String how = host != null ? new Route(host, port, null, null, null).label()
                : selector != null ? "selector" : system ? "system" : "direct";
        return how + (authorization != null ? " (credentials set)" : "");
    }

    /** @return whether a proxy is configured and how it is chosen; never the credentials */
    @Override
    public String toString() {
        return "ProxyConfig{" + describe() + "}";
    }
}
