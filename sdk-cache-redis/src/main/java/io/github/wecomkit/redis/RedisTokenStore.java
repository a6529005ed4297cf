package io.github.wecomkit.redis;

import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} on Redis, shared by every instance of an application, so that a fleet fetches one access
 * token per token lifetime. Works with a standalone Redis ({@link RedisClient}) and with Redis Cluster
 * ({@link RedisClusterClient}).
 *
 * <pre>{@code
 * RedisTokenStore store = RedisTokenStore.create("redis://127.0.0.1:6379");
 * WeComClient client = WeComClient.builder()
 *         .corpId(corpId).secret(secret)
 *         .tokenStore(store)
 *         .build();
 * // at shutdown
 * store.close();
 * }</pre>
 *
 * <p>What it writes, for a client key {@code K} (the client builds {@code K} from the corp id and a hash of the
 * secret, never the secret itself) and the prefix {@code P} (default {@value #DEFAULT_KEY_PREFIX}):
 * <ul>
 *   <li>{@code P{K}} holds {@code <issuedAtEpochMillis>:<expiresAtEpochMillis>:<token>} with a TTL that ends at
 *       the token's expiry;</li>
 *   <li>{@code P{K}:lease} holds the random id of the instance refreshing the token ({@code SET NX PX});</li>
 *   <li>{@code P{K}:stored} is the pub/sub channel on which every put is announced.</li>
 * </ul>
 * The braces are a Redis Cluster hash tag: the token and its lease live in one slot, as the Lua scripts require.
 *
 * <p>Failure behaviour: the store starts connecting in the background when it is built, so it can be built while
 * Redis is down. A call waits at most {@link #DEFAULT_CONNECT_TIMEOUT} for a connection still opening; after a
 * failed attempt, calls fail at once for a second until the next one. Every command has a short timeout
 * ({@link #DEFAULT_COMMAND_TIMEOUT}), and while an open connection is broken, commands are rejected at once
 * until Lettuce has reconnected. Failures are thrown as {@link RedisStoreException}, which {@code WeComClient}
 * catches to fall back on in-process tokens.
 */
public final class RedisTokenStore implements TokenStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStore.class);

    /** The default key prefix; change it to share one Redis database between several applications. */
    public static final String DEFAULT_KEY_PREFIX = "wecomkit:";
    /**
     * The default time limit of one Redis command. Short, because a login must not wait long for a cache that
     * it can do without; raise it for a Redis across a slow link.
     */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(300);
    /**
     * How often a waiting instance re-reads the token even without a notification: a safety net for a
     * notification lost while the pub/sub connection reconnects. Notifications normally wake waiters at once.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(25);
    /**
     * The default time a call waits for a connection that is still opening, and the connect timeout of a client
     * the store creates. Longer than a command: the first connection of a JVM loads Netty and resolves the host.
     * The store starts connecting when it is built, and a refused connection fails at once.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** After a failed connect, calls fail at once for this long instead of each paying a connect timeout. */
    static final Duration CONNECT_RETRY_DELAY = Duration.ofSeconds(1);

    private static final String PUT_SCRIPT = ""
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
            + "redis.call('PUBLISH', ARGV[3], ARGV[4])\n"
            + "return 1";
    private static final String INVALIDATE_SCRIPT = ""
            + "local v = redis.call('GET', KEYS[1])\n"
            + "if v and string.match(v, '^%d+:%d+:(.*)$') == ARGV[1] then\n"
            + "  return redis.call('DEL', KEYS[1])\n"
            + "end\n"
            + "return 0";
    private static final String RELEASE_SCRIPT = ""
            + "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
            + "  return redis.call('DEL', KEYS[1])\n"
            + "end\n"
            + "return 0";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyLayout layout;
    private final Duration commandTimeout;
    private final Duration leaseTime;
    private final Duration waitTime;
    private final Duration pollInterval;
    private final Clock clock;
    private final String mode;
    private final LazyConnection<Link> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final AtomicLong signals = new AtomicLong();
    private final Runnable shutdown;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The commands this store uses, from either a standalone or a cluster connection. */
    private static final class Link {
        final StatefulConnection<String, String> connection;
        final RedisStringCommands<String, String> strings;
        final RedisScriptingCommands<String, String> scripts;

        Link(StatefulRedisConnection<String, String> c) {
            this.connection = c;
            this.strings = c.sync();
            this.scripts = c.sync();
        }

        Link(StatefulRedisClusterConnection<String, String> c) {
            this.connection = c;
            this.strings = c.sync();
            this.scripts = c.sync();
        }
    }

    private RedisTokenStore(Builder b) {
        this.layout = new KeyLayout(b.keyPrefix);
        this.commandTimeout = b.commandTimeout;
        this.leaseTime = b.leaseTime;
        this.waitTime = b.waitTime;
        this.pollInterval = b.pollInterval;
        this.clock = b.clock;
        Duration timeout = commandTimeout;
        Duration connectTimeout = b.connectTimeout;
        if (b.clusterClient != null) {
            RedisClusterClient cluster = b.clusterClient;
            this.mode = "cluster";
            this.commands = new LazyConnection<>("cluster", () -> {
                StatefulRedisClusterConnection<String, String> c = cluster.connect();
                c.setTimeout(timeout);
                return new Link(c);
            }, link -> link.connection.close(), connectTimeout, CONNECT_RETRY_DELAY);
            this.pubSub = new LazyConnection<>("cluster pub/sub", () -> configure(cluster.connectPubSub()),
                    StatefulConnection::close, connectTimeout, CONNECT_RETRY_DELAY);
            this.shutdown = () -> { };
        } else {
            RedisClient client;
            if (b.client != null) {
                client = b.client;
                this.shutdown = () -> { };
            } else {
                ClientResources resources = DefaultClientResources.builder()
                        .ioThreadPoolSize(2)
                        .computationThreadPoolSize(2)
                        // Lettuce's default backs off up to 30 s; a token cache should be back within a second.
                        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                                TimeUnit.MILLISECONDS))
                        .build();
                RedisURI uri = b.redisUri;
                uri.setTimeout(timeout);
                client = RedisClient.create(resources, uri);
                client.setOptions(recommendedOptions(timeout, connectTimeout));
                RedisClient owned = client;
                this.shutdown = () -> {
                    owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                    resources.shutdown(0, 2, TimeUnit.SECONDS);
                };
            }
            this.mode = "standalone";
            this.commands = new LazyConnection<>("standalone", () -> {
                StatefulRedisConnection<String, String> c = client.connect();
                c.setTimeout(timeout);
                return new Link(c);
            }, link -> link.connection.close(), connectTimeout, CONNECT_RETRY_DELAY);
            this.pubSub = new LazyConnection<>("pub/sub", () -> configure(client.connectPubSub()),
                    StatefulConnection::close, connectTimeout, CONNECT_RETRY_DELAY);
        }
        // Open both connections in the background now, so that the first refresh finds them ready.
        commands.connectInBackground();
        pubSub.connectInBackground();
    }

    /**
     * The client options this store uses for a client it creates: auto-reconnect, commands rejected at once
     * while disconnected (instead of queued until the timeout), and connect and command timeouts of
     * {@code commandTimeout}. Pass them to your own client for the same failure behaviour:
     * {@code redisClient.setOptions(RedisTokenStore.recommendedOptions(Duration.ofMillis(300)))}.
     *
     * @param commandTimeout the connect and command time limit
     * @return the options
     */
    public static ClientOptions recommendedOptions(Duration commandTimeout) {
        return recommendedOptions(commandTimeout, commandTimeout);
    }

    static ClientOptions recommendedOptions(Duration commandTimeout, Duration connectTimeout) {
        checkPositive(commandTimeout, "commandTimeout");
        checkPositive(connectTimeout, "connectTimeout");
        return ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build();
    }

    private StatefulRedisPubSubConnection<String, String> configure(StatefulRedisPubSubConnection<String, String> c) {
        c.setTimeout(commandTimeout);
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                wakeWaiters();
            }
        });
        return c;
    }

    /**
     * A store on a Redis it connects to itself, with this class's defaults. {@link #close()} shuts the
     * connection down.
     *
     * @param redisUri for example {@code redis://127.0.0.1:6379/0} or {@code rediss://:password@host:6380}
     * @return the store; it connects on first use
     * @throws IllegalArgumentException if the URI is blank or malformed
     */
    public static RedisTokenStore create(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /**
     * A store on the caller's standalone client, with this class's defaults; the caller keeps ownership of the
     * client. Give it {@link #recommendedOptions(Duration)} for fast failure while Redis is down.
     *
     * @param client the client to open connections with
     * @return the store; it connects on first use
     */
    public static RedisTokenStore create(RedisClient client) {
        return builder().client(client).build();
    }

    /**
     * A store on the caller's Redis Cluster client, with this class's defaults; the caller keeps ownership.
     *
     * @param clusterClient the cluster client to open connections with
     * @return the store; it connects on first use
     */
    public static RedisTokenStore create(RedisClusterClient clusterClient) {
        return builder().clusterClient(clusterClient).build();
    }

    /**
     * @return a builder; exactly one of {@code redisUri}, {@code client} or {@code clusterClient} is required
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<AccessToken> get(String key) {
        String tokenKey = layout.tokenKey(key);
        String raw = call("GET", link -> link.strings.get(tokenKey));
        Optional<AccessToken> token = StoredToken.decode(raw);
        if (raw != null && token.isEmpty()) {
            LOG.debug("ignoring a value under a token key that this store did not write");
        }
        return token.filter(t -> t.expiresAt().isAfter(clock.instant()));
    }

    @Override
    public void put(String key, AccessToken token) {
        String tokenKey = layout.tokenKey(key);
        Objects.requireNonNull(token, "token == null");
        long ttlMillis = Duration.between(clock.instant(), token.expiresAt()).toMillis();
        if (ttlMillis <= 0) {
            // Already over by our clock: storing it would only hand others a token WeCom rejects.
            return;
        }
        String[] keys = {tokenKey};
        call("PUT", link -> link.scripts.eval(PUT_SCRIPT, ScriptOutputType.INTEGER, keys,
                StoredToken.encode(token), Long.toString(ttlMillis), layout.channel(key),
                Long.toString(token.expiresAt().toEpochMilli())));
    }

    @Override
    public boolean invalidate(String key, String tokenValue) {
        String tokenKey = layout.tokenKey(key);
        Objects.requireNonNull(tokenValue, "tokenValue == null");
        String[] keys = {tokenKey};
        Long removed = call("INVALIDATE", link -> link.scripts.eval(INVALIDATE_SCRIPT, ScriptOutputType.INTEGER,
                keys, tokenValue));
        return removed != null && removed > 0;
    }

    @Override
    public Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime) {
        String leaseKey = layout.leaseKey(key);
        checkPositive(leaseTime, "leaseTime");
        long millis = Math.max(1, (this.leaseTime != null ? this.leaseTime : leaseTime).toMillis());
        String owner = newOwnerId();
        String reply = call("LEASE", link -> link.strings.set(leaseKey, owner, SetArgs.Builder.nx().px(millis)));
        return "OK".equals(reply) ? Optional.of(new Lease(leaseKey, owner)) : Optional.empty();
    }

    /**
     * Waits for a token that differs from {@code staleValue}, woken by the pub/sub notification that every
     * {@link #put} publishes, and re-reading at least every poll interval in case a notification was lost.
     */
    @Override
    public Optional<AccessToken> awaitToken(String key, java.time.Instant expiresAfter, Duration maxWait)
            throws InterruptedException {
        KeyLayout.checkKey(key);
        Objects.requireNonNull(maxWait, "maxWait == null");
        Duration wait = waitTime != null && waitTime.compareTo(maxWait) < 0 ? waitTime : maxWait;
        long deadline = System.nanoTime() + wait.toNanos();
        String channel = layout.channel(key);
        while (true) {
            // Until the subscription stands (its connection may still be opening), every round tries again.
            subscribe(channel);
            // Read the signal count before the token so that a put landing in between is never missed.
            long seen = signals.get();
            Optional<AccessToken> token = get(key);
            if (token.isPresent() && TokenStore.isNewer(token.get(), expiresAfter)) {
                return token;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            long sliceEnd = System.nanoTime() + Math.min(left, pollInterval.toNanos());
            synchronized (signal) {
                long remaining;
                while (signals.get() == seen && (remaining = sliceEnd - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(signal, remaining);
                }
            }
        }
    }

    /**
     * Subscribes to {@code channel} once per store; concurrent waiters share the one SUBSCRIBE and all wait for
     * its confirmation, so none of them reads the token before a put could reach it as a notification.
     */
    private void subscribe(String channel) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> subscription = subscriptions.putIfAbsent(channel, mine);
        if (subscription == null) {
            subscription = mine;
            try {
                // Lettuce re-subscribes by itself after a reconnect, so each channel is subscribed once.
                pubSub.get().sync().subscribe(channel);
                mine.complete(null);
            } catch (RuntimeException e) {
                subscriptions.remove(channel, mine);
                mine.completeExceptionally(e);
            }
        }
        try {
            subscription.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("pub/sub unavailable, waiting by polling: {}", LazyConnection.describe(e instanceof ExecutionException ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void wakeWaiters() {
        signals.incrementAndGet();
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private <T> T call(String operation, Function<Link, T> command) {
        if (closed.get()) {
            throw new RedisStoreException("Redis token store is closed", null);
        }
        Link link = commands.get();
        try {
            return command.apply(link);
        } catch (RuntimeException e) {
            throw new RedisStoreException("Redis " + operation + " failed: " + LazyConnection.describe(e), e);
        }
    }

    private static String newOwnerId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Closes this store's connections, and the client too when the store created it. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pubSub.close();
        commands.close();
        shutdown.run();
        wakeWaiters();
    }

    /** @return the mode and key prefix; never a URI (it may carry a password) */
    @Override
    public String toString() {
        return "RedisTokenStore{mode=" + mode + ", keyPrefix=" + layout.prefix() + "}";
    }

    private final class Lease implements RefreshLease {
        private final String leaseKey;
        private final String owner;
        private final AtomicBoolean released = new AtomicBoolean();

        Lease(String leaseKey, String owner) {
            this.leaseKey = leaseKey;
            this.owner = owner;
        }

        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            String[] keys = {leaseKey};
            try {
                call("RELEASE", link -> link.scripts.eval(RELEASE_SCRIPT, ScriptOutputType.INTEGER, keys, owner));
            } catch (RuntimeException e) {
                // The lease ends by itself at its PX; nothing else to do.
                LOG.debug("releasing the refresh lease failed: {}", LazyConnection.describe(e));
            }
        }

        @Override
        public String toString() {
            return "RedisTokenStore.Lease{key=" + leaseKey + "}";
        }
    }

    private static Duration checkPositive(Duration d, String name) {
        Objects.requireNonNull(d, name + " == null");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /**
     * Builds a {@link RedisTokenStore}. Exactly one of {@link #redisUri(String)}, {@link #client(RedisClient)} or
     * {@link #clusterClient(RedisClusterClient)} is required.
     *
     * <pre>{@code
     * RedisTokenStore store = RedisTokenStore.builder()
     *         .clusterClient(RedisClusterClient.create("redis://10.0.0.1:7000"))
     *         .keyPrefix("billing:wecomkit:")
     *         .commandTimeout(Duration.ofMillis(500))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private RedisURI redisUri;
        private RedisClient client;
        private RedisClusterClient clusterClient;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration leaseTime;
        private Duration waitTime;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Connect to this Redis with a client the store creates, configures and closes itself.
         *
         * @param redisUri for example {@code redis://127.0.0.1:6379/0}
         * @return this builder
         * @throws IllegalArgumentException if the URI is blank or malformed (the message omits the URI, which
         *                                  may carry a password)
         */
        public Builder redisUri(String redisUri) {
            Objects.requireNonNull(redisUri, "redisUri == null");
            if (redisUri.isBlank()) {
                throw new IllegalArgumentException("redisUri is blank");
            }
            try {
                this.redisUri = RedisURI.create(redisUri);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("redisUri is not a Redis URI (redis://host:port/db)");
            }
            return this;
        }

        /**
         * Use the caller's standalone client; the store never shuts it down.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(RedisClient client) {
            this.client = Objects.requireNonNull(client, "client == null");
            return this;
        }

        /**
         * Use the caller's Redis Cluster client; the store never shuts it down.
         *
         * @param clusterClient the cluster client
         * @return this builder
         */
        public Builder clusterClient(RedisClusterClient clusterClient) {
            this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient == null");
            return this;
        }

        /**
         * @param keyPrefix prepended to every key, default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}; may be empty; must not
         *                  contain braces (they would break the cluster hash tag) or whitespace
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
            return this;
        }

        /**
         * @param commandTimeout the time limit of each Redis command and connect, default
         *                       {@link RedisTokenStore#DEFAULT_COMMAND_TIMEOUT}
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = checkPositive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * @param connectTimeout how long a call waits for a connection that is still opening, and the connect
         *                       timeout of a client the store creates; default
         *                       {@link RedisTokenStore#DEFAULT_CONNECT_TIMEOUT}
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = checkPositive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Overrides the lease time the client asks for: how long other instances wait for a refresher that
         * died before one of them fetches by itself. Unset by default (the client's choice is used).
         *
         * @param leaseTime how long a refresh lease lasts unless released
         * @return this builder
         */
        public Builder leaseTime(Duration leaseTime) {
            this.leaseTime = checkPositive(leaseTime, "leaseTime");
            return this;
        }

        /**
         * Caps how long one {@link RedisTokenStore#awaitToken} call waits, whatever the client asks for. Unset by
         * default: the client already bounds its wait (lease time plus lease wait) and asks in short slices.
         *
         * @param waitTime the longest wait in one {@link RedisTokenStore#awaitToken} call
         * @return this builder
         */
        public Builder waitTime(Duration waitTime) {
            this.waitTime = checkPositive(waitTime, "waitTime");
            return this;
        }

        /**
         * @param pollInterval how often a waiter re-reads the token without a notification, default
         *                     {@link RedisTokenStore#DEFAULT_POLL_INTERVAL}
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = checkPositive(pollInterval, "pollInterval");
            return this;
        }

        /**
         * @param clock the clock for a token's remaining lifetime (its TTL in Redis); give it the client's clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * @return the store; it connects on first use, so Redis may be down now
         * @throws IllegalStateException if not exactly one of {@code redisUri}, {@code client} or
         *                               {@code clusterClient} was given
         */
        public RedisTokenStore build() {
            int sources = (redisUri != null ? 1 : 0) + (client != null ? 1 : 0) + (clusterClient != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException("exactly one of redisUri, client or clusterClient is required, got "
                        + sources);
            }
            return new RedisTokenStore(this);
        }
    }
}
