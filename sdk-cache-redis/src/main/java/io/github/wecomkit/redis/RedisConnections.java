package io.github.wecomkit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * What every store of this module does the same way when it opens Redis itself: parse the URI without echoing it,
 * create and configure the client (timeouts, reconnect back-off, TLS trust, no handshake commands a proxy may not
 * know), check reachability with a plain TCP connect first, and turn a refusal into a message that says what to
 * fix ({@link RedisStoreConfigurationException}) and never contains the password.
 */
final class RedisConnections {
    private RedisConnections() {
    }

    /** A client the store created and must shut down, with the quick check of its address. */
    static final class OwnedClient {
        final RedisClient client;
        final Runnable quickCheck;
        final Runnable shutdown;
        /** e.g. {@code mode=standalone, target=127.0.0.1:6379, tls}; never the user info. */
        final String description;

        private OwnedClient(RedisClient client, Runnable quickCheck, Runnable shutdown, String description) {
            this.client = client;
            this.quickCheck = quickCheck;
            this.shutdown = shutdown;
            this.description = description;
        }
    }

    /**
     * @return the parsed URI
     * @throws IllegalArgumentException if it is blank or malformed, or a Sentinel URI names no master (the message
     *                                  omits the URI, which may carry a password)
     */
    static RedisURI parseUri(String redisUri) {
        Objects.requireNonNull(redisUri, "redisUri == null");
        if (redisUri.isBlank()) {
            throw new IllegalArgumentException("redisUri is blank");
        }
        RedisURI parsed;
        try {
            parsed = RedisURI.create(redisUri);
        } catch (RuntimeException e) {
            if (redisUri.startsWith("redis-sentinel:") || redisUri.startsWith("rediss-sentinel:")) {
                throw new IllegalArgumentException("redisUri is not a Sentinel URI with a master name"
                        + " (redis-sentinel://host1:port1,host2:port2#<master name>)");
            }
            throw new IllegalArgumentException("redisUri is not a Redis URI (redis://host:port/db,"
                    + " rediss://…, redis-sentinel://host:port,…#<master name>)");
        }
        if (!parsed.getSentinels().isEmpty() && (parsed.getSentinelMasterId() == null
                || parsed.getSentinelMasterId().isBlank())) {
            throw new IllegalArgumentException("redisUri names no Sentinel master: end it with #<master name>");
        }
        return parsed;
    }

    /**
     * Creates the client for {@code uri}: the URI's timeout bounds the handshake (AUTH, the Sentinel look-up),
     * each command gets {@code commandTimeout}, and a lost connection is retried within a second.
     *
     * @param trust the CA to trust for {@code rediss://}, or null for the JDK's default CAs
     */
    static OwnedClient own(RedisURI uri, Duration commandTimeout, Duration connectTimeout, TrustManagerFactory trust) {
        String description = uri.getSentinels().isEmpty() ? "mode=standalone, target=" + target(uri)
                : "mode=sentinel, master=" + uri.getSentinelMasterId() + ", sentinels=" + target(uri);
        if (uri.isSsl()) {
            description += ", tls";
        }
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // Lettuce's default backs off up to 30 s; a token cache should be back within a second.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        uri.setTimeout(connectTimeout);
        uri.getSentinels().forEach(s -> s.setTimeout(connectTimeout));
        // No CLIENT SETINFO in the handshake (with RESP2 there is no HELLO either): proxies such as Twemproxy
        // close the connection on a command they do not know.
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        RedisClient client = RedisClient.create(resources, uri);
        ClientOptions.Builder options = RedisTokenStore.recommendedOptions(commandTimeout, connectTimeout).mutate();
        if (trust != null) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(trust)
                    .handshakeTimeout(connectTimeout).build());
        }
        client.setOptions(options.build());
        Runnable shutdown = () -> {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        };
        return new OwnedClient(client, tcpCheck(uri, connectTimeout), shutdown, description);
    }

    /** host:port of the server, or of every Sentinel; never the user info. */
    static String target(RedisURI uri) {
        if (!uri.getSentinels().isEmpty()) {
            return uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
                    .collect(Collectors.joining(",", "[", "]"));
        }
        return uri.getSocket() != null ? "unix-socket" : uri.getHost() + ":" + uri.getPort();
    }

    /**
     * A plain TCP connect to the server (or to each Sentinel until one answers): it fails in about a millisecond
     * where the first Lettuce connect of a JVM needs most of a second to report the same refusal.
     */
    static Runnable tcpCheck(RedisURI uri, Duration connectTimeout) {
        List<RedisURI> targets = uri.getSentinels().isEmpty() ? List.of(uri) : List.copyOf(uri.getSentinels());
        if (uri.getSentinels().isEmpty() && uri.getSocket() != null) {
            return () -> { };
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        return () -> {
            IOException last = null;
            for (RedisURI target : targets) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), millis);
                    return;
                } catch (IOException e) {
                    last = e;
                }
            }
            throw new RedisStoreException("cannot reach Redis at " + target(uri) + ": "
                    + LazyConnection.describe(last), last);
        };
    }

    /**
     * Connects, once more at once if Lettuce lost its handshake handler to a channel that closed while it was
     * being set up ("RedisHandshakeHandler not registered", seen on a loaded machine): that failure says nothing
     * about the server, and a second attempt reports what the server really answers (a wrong password, say).
     */
    static <C> C againAfterHandshakeRace(Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RedisConnectionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IllegalStateException && String.valueOf(c.getMessage())
                        .contains("RedisHandshakeHandler not registered")) {
                    return connect.get();
                }
            }
            throw e;
        }
    }

    /**
     * The configuration problem behind {@code t}, if it is one (credentials, permissions, TLS), else null.
     *
     * @param commands what the store needs, for the hint on a missing permission, e.g. "GET and SET on the
     *                 store's keys"
     */
    static RedisStoreConfigurationException configurationProblem(Throwable t, String commands) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof RedisStoreConfigurationException) {
                return new RedisStoreConfigurationException(c.getMessage(), c);
            }
            if (c instanceof RedisCommandExecutionException) {
                String reply = String.valueOf(c.getMessage());
                String code = reply.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (code) {
                    case "WRONGPASS":
                        return new RedisStoreConfigurationException("Redis rejected the user name or password"
                                + " (WRONGPASS): check the credentials in the Redis URI", c);
                    case "NOAUTH":
                        return new RedisStoreConfigurationException("Redis requires a password (NOAUTH) and none"
                                + " was given: use redis://:password@host or redis://user:password@host", c);
                    case "NOPERM":
                        return new RedisStoreConfigurationException("the Redis user may not run a command this store"
                                + " needs (" + reply + "): allow " + commands + " (see docs/token-stores.md)", c);
                    default:
                        if (reply.startsWith("ERR AUTH") || reply.contains("without any password configured")) {
                            return new RedisStoreConfigurationException("the Redis URI has a password but the server"
                                    + " requires none: remove it from the URI or set requirepass", c);
                        }
                }
            }
            if (c instanceof SSLException || c instanceof CertificateException) {
                return new RedisStoreConfigurationException("TLS handshake with Redis failed ("
                        + LazyConnection.describe(c) + "): the server must speak TLS on this port, and its"
                        + " certificate must be trusted (a private CA: trustedCertificates(..) or trustStore(..))"
                        + " and name the host of the Redis URI", c);
            }
        }
        return null;
    }

    /**
     * What a failed connection attempt becomes for the callers: a refused configuration (password, permission,
     * TLS) as a {@link RedisStoreConfigurationException}, handed to {@code report} first (which logs it once per
     * store); a {@link RedisStoreException} of the quick check as it is; anything else as a retryable
     * "cannot connect to Redis (name)".
     *
     * @param commands what the store needs, for the hint on a missing permission
     */
    static RedisStoreException connectFailure(String name, Throwable t, String commands,
                                              Consumer<RedisStoreConfigurationException> report) {
        RedisStoreConfigurationException problem = configurationProblem(t, commands);
        if (problem != null) {
            report.accept(problem);
            return problem;
        }
        if (t instanceof RedisStoreException) {
            RedisStoreException s = (RedisStoreException) t;
            return new RedisStoreException(s.getMessage(), s, s.retryable());
        }
        return new RedisStoreException("cannot connect to Redis (" + name + "): " + LazyConnection.describe(t), t);
    }

    /**
     * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks
     * @return a trust manager factory that trusts exactly those certificates
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    static TrustManagerFactory trustPem(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile == null");
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("trustedCertificates: cannot read certificates from the file ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("trustedCertificates: the file holds no certificate");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<Certificate> list = new ArrayList<>(certificates);
            for (int i = 0; i < list.size(); i++) {
                store.setCertificateEntry("ca-" + i, list.get(i));
            }
            return trustStore(store);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("trustedCertificates: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * @param trustStore a loaded key store with the CA's certificate entries
     * @return a trust manager factory on it
     * @throws IllegalArgumentException if the key store cannot be used as a trust store
     */
    static TrustManagerFactory trustStore(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore == null");
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trustStore: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * @throws IllegalStateException if not exactly one source was given, or trust was given without a
     *                               {@code rediss://} URI
     */
    static void checkSources(RedisURI redisUri, Object client, Object clusterClient, TrustManagerFactory trust) {
        int sources = (redisUri != null ? 1 : 0) + (client != null ? 1 : 0) + (clusterClient != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalStateException("exactly one of redisUri, client or clusterClient is required, got "
                    + sources);
        }
        if (trust != null && (redisUri == null || !redisUri.isSsl())) {
            throw new IllegalStateException("trustedCertificates or trustStore needs a rediss:// redisUri; a"
                    + " client of your own takes its TLS settings from its ClientOptions");
        }
    }
}
