package io.github.wecomkit.redis;

import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.RefreshLease;
import io.github.wecomkit.token.TokenStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.BaseRedisCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisStringCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} on Redis, shared by every instance of an application, so that a fleet fetches one access
 * token per token lifetime. Works with a standalone Redis, Redis Sentinel ({@code redis-sentinel://}), Redis
 * Cluster ({@link RedisClusterClient}), ACL users and passwords, and TLS ({@code rediss://}).
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
 *       the token's expiry; a put never replaces a token that expires later (one Lua script compares and
 *       writes);</li>
 *   <li>{@code P{K}:lease} holds the random id of the instance refreshing the token ({@code SET NX PX});</li>
 *   <li>{@code P{K}:stored} is the pub/sub channel on which every stored token is announced.</li>
 * </ul>
 * The braces are a Redis Cluster hash tag: the token and its lease live in one slot, as the Lua scripts require.
 *
 * <p>What it needs from Redis: Lua scripts ({@code EVAL}), {@code GET}, {@code SET NX PX}, and for prompt
 * wake-ups {@code PUBLISH}/{@code SUBSCRIBE}. It checks on its first connection: without Pub/Sub, waiting
 * instances poll every {@link #DEFAULT_POLL_INTERVAL}; without Lua, every call fails with
 * {@link RedisStoreConfigurationException} (and the client uses in-process tokens), since the store could no
 * longer keep a late refresher from overwriting a newer token.
 *
 * <p>Failure behaviour: the store starts connecting in the background when it is built, so it can be built while
 * Redis is down. A refused connection fails the first call at once; a call waits at most
 * {@link #DEFAULT_CONNECT_TIMEOUT} for a connection still opening, and after a failed attempt, calls fail at once
 * for a second until the next one. Every command has a short timeout ({@link #DEFAULT_COMMAND_TIMEOUT}), and
 * while an open connection is broken, commands are rejected at once until Lettuce has reconnected (through the
 * Sentinels to the current master, for a Sentinel URI). Failures are thrown as {@link RedisStoreException}, which
 * {@code WeComClient} catches to fall back on in-process tokens.
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
     * notification lost while the pub/sub connection reconnects, and the only signal where Redis has no Pub/Sub.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(25);
    /**
     * The default time a call waits for a connection that is still opening, and the connect and handshake timeout
     * of a client the store creates. Longer than a command: the first connection of a JVM loads Netty and
     * resolves the host. A refused connection fails at once.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** After a failed connect, calls fail at once for this long instead of each paying a connect timeout. */
    static final Duration CONNECT_RETRY_DELAY = Duration.ofSeconds(1);
    /** For the hint on a missing permission (NOPERM). */
    private static final String NEEDED_COMMANDS = "GET, SET, DEL, EVAL, PUBLISH and SUBSCRIBE on the store's"
            + " keys and channels";

    /**
     * Stores ARGV[1] unless the stored token expires later than ARGV[2]; the same expiry replaces (a token with
     * a restarted validity is the same version or newer). PX keeps the key no longer than the token. Announces
     * only what it stored: a refused put changes nothing a waiter could wake for.
     */
    private static final String PUT_SCRIPT = ""
            + "local v = redis.call('GET', KEYS[1])\n"
            + "if v then\n"
            + "  local e = tonumber(string.match(v, '^%d+:(%d+):'))\n"
            + "  if e and e > tonumber(ARGV[2]) then return 0 end\n"
            + "end\n"
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])\n"
            + "if ARGV[5] == '1' then redis.call('PUBLISH', ARGV[4], ARGV[2]) end\n"
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
    /** Touches nothing; one key, because proxies such as Twemproxy route scripts by their first key. */
    private static final String PROBE_SCRIPT = "return 1";
    /** The key and channel of the start-up probes, inside the prefix so that ACL key and channel patterns match. */
    private static final String PROBE_KEY = "probe";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyLayout layout;
    private final Duration commandTimeout;
    private final Duration pollInterval;
    private final Clock clock;
    private final String description;
    private final LazyConnection<Link> commands;
    private final LazyConnection<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final ConcurrentHashMap<String, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final AtomicLong signals = new AtomicLong();
    private final Runnable shutdown;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Each configuration problem is logged once per store, not on every call. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** Set by the first connection's probe when the server cannot run scripts: the message of every failure. */
    private volatile String scriptsUnavailable;
    /** Whether puts announce themselves (PUBLISH) and waiters listen (SUBSCRIBE); off when either is missing. */
    private volatile boolean notifications = true;

    /** The commands this store uses, from either a standalone or a cluster connection. */
    private static final class Link {
        final StatefulConnection<String, String> connection;
        final RedisStringCommands<String, String> strings;
        final RedisScriptingCommands<String, String> scripts;
        final BaseRedisCommands<String, String> base;

        Link(StatefulRedisConnection<String, String> c) {
            this.connection = c;
            this.strings = c.sync();
            this.scripts = c.sync();
            this.base = c.sync();
        }

        Link(StatefulRedisClusterConnection<String, String> c) {
            this.connection = c;
            this.strings = c.sync();
            this.scripts = c.sync();
            this.base = c.sync();
        }
    }

    private RedisTokenStore(Builder b) {
        this.layout = new KeyLayout(b.keyPrefix);
        this.commandTimeout = b.commandTimeout;
        this.pollInterval = b.pollInterval;
        this.clock = b.clock;
        Duration timeout = commandTimeout;
        Duration connectTimeout = b.connectTimeout;
        // Quick check and Lettuce connect (each trying every Sentinel in turn), handshake, and the start-up
        // probes: the longest one attempt can run.
        int targets = b.redisUri == null ? 1 : Math.max(1, b.redisUri.getSentinels().size());
        Duration attemptBound = connectTimeout.multipliedBy(2L * targets + 2).plus(commandTimeout.multipliedBy(3))
                .plusSeconds(1);
        Runnable quickCheck = () -> { };
        if (b.clusterClient != null) {
            RedisClusterClient cluster = b.clusterClient;
            this.description = "mode=cluster";
            this.commands = new LazyConnection<>("cluster", quickCheck, () -> {
                StatefulRedisClusterConnection<String, String> c = cluster.connect();
                return probed(c, () -> new Link(c));
            }, link -> link.connection.close(), e -> connectFailure("cluster", e), connectTimeout,
                    CONNECT_RETRY_DELAY, attemptBound);
            this.pubSub = new LazyConnection<>("cluster pub/sub", quickCheck,
                    () -> configure(cluster.connectPubSub()), StatefulConnection::close,
                    e -> connectFailure("cluster pub/sub", e), connectTimeout, CONNECT_RETRY_DELAY, attemptBound);
            this.shutdown = () -> { };
        } else {
            RedisClient client;
            String mode;
            if (b.client != null) {
                client = b.client;
                mode = "mode=standalone";
                this.shutdown = () -> { };
            } else {
                RedisConnections.OwnedClient owned = RedisConnections.own(b.redisUri, timeout, connectTimeout,
                        b.trust);
                client = owned.client;
                mode = owned.description;
                quickCheck = owned.quickCheck;
                this.shutdown = owned.shutdown;
            }
            this.description = mode;
            String name = mode.startsWith("mode=sentinel") ? "sentinel" : "standalone";
            this.commands = new LazyConnection<>(name, quickCheck, () -> {
                StatefulRedisConnection<String, String> c = RedisConnections.againAfterHandshakeRace(client::connect);
                return probed(c, () -> new Link(c));
            }, link -> link.connection.close(), e -> connectFailure(name, e), connectTimeout,
                    CONNECT_RETRY_DELAY, attemptBound);
            this.pubSub = new LazyConnection<>("pub/sub", quickCheck,
                    () -> configure(RedisConnections.againAfterHandshakeRace(client::connectPubSub)),
                    StatefulConnection::close, e -> connectFailure("pub/sub", e), connectTimeout,
                    CONNECT_RETRY_DELAY, attemptBound);
        }
        // Open both connections in the background now, so that the first refresh finds them ready.
        commands.connectInBackground();
        pubSub.connectInBackground();
    }

    /**
     * The client options this store uses for a client it creates: auto-reconnect; commands rejected at once
     * while disconnected (instead of queued until the timeout) and never replayed after a reconnect (a token
     * store's caller has moved on by then, and a replayed {@code SET NX} would leave a lease nobody holds);
     * RESP2, which every Redis and proxy speaks; connect and command timeouts of {@code commandTimeout}. Pass
     * them to your own client for the same failure behaviour:
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
                .replayFilter(command -> true)
                .protocolVersion(ProtocolVersion.RESP2)
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build();
    }

    /**
     * Runs the start-up probes on a new command connection: a server (or proxy) without Lua or Pub/Sub is
     * reported once, here, instead of failing later on a refresh. Closes the connection if a probe shows it
     * cannot be used (no password, a wrong one).
     */
    private Link probed(StatefulConnection<String, String> c, java.util.function.Supplier<Link> link) {
        try {
            c.setTimeout(commandTimeout);
            Link l = link.get();
            String[] keys = {layout.tokenKey(PROBE_KEY)};
            try {
                l.scripts.eval(PROBE_SCRIPT, ScriptOutputType.INTEGER, keys);
            } catch (RedisCommandExecutionException e) {
                throwIfCredentials(e);
                scriptsUnavailable = "Redis does not run Lua scripts for this store (EVAL failed: "
                        + LazyConnection.describe(e) + "). RedisTokenStore needs EVAL for its atomic put,"
                        + " invalidate and lease release, so it is off: each instance uses its own token. Use a"
                        + " Redis or proxy that allows EVAL (see docs/token-stores.md, requirements)";
                report("lua", scriptsUnavailable);
                return l;
            }
            try {
                l.base.publish(layout.channel(PROBE_KEY), "");
            } catch (RedisCommandExecutionException e) {
                throwIfCredentials(e);
                notificationsOff("PUBLISH failed: " + LazyConnection.describe(e));
            }
            return l;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private StatefulRedisPubSubConnection<String, String> configure(StatefulRedisPubSubConnection<String, String> c) {
        try {
            c.setTimeout(commandTimeout);
            String probe = layout.channel(PROBE_KEY);
            try {
                c.sync().subscribe(probe);
                c.sync().unsubscribe(probe);
            } catch (RedisCommandExecutionException e) {
                throwIfCredentials(e);
                notificationsOff("SUBSCRIBE failed: " + LazyConnection.describe(e));
                throw new RedisStoreException("no Pub/Sub", e, false);
            }
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    wakeWaiters();
                }
            });
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void notificationsOff(String why) {
        if (notifications) {
            notifications = false;
            if (reported.add("pubsub")) {
                LOG.info("Redis offers no Pub/Sub to this store ({}); instances waiting for another's refresh re-read"
                        + " the token every {} ms instead: store={}", why, pollInterval.toMillis(), this);
            }
        }
    }

    /** Logs a configuration problem once per store, as a warning: the client's own warning only names the type. */
    private void report(String kind, String message) {
        if (reported.add(kind)) {
            LOG.warn("{}: store={}", message, this);
        }
    }

    private static void throwIfCredentials(RedisCommandExecutionException e) {
        RedisStoreConfigurationException problem = RedisConnections.configurationProblem(e, NEEDED_COMMANDS);
        if (problem != null) {
            throw problem;
        }
    }

    private RedisStoreException connectFailure(String name, Throwable t) {
        return RedisConnections.connectFailure(name, t, NEEDED_COMMANDS,
                problem -> report(problem.getMessage(), problem.getMessage()));
    }

    /**
     * A store on a Redis it connects to itself, with this class's defaults. {@link #close()} shuts the
     * connection down.
     *
     * @param redisUri for example {@code redis://127.0.0.1:6379/0}, {@code redis://user:password@host},
     *                 {@code rediss://:password@host:6380} or
     *                 {@code redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379#mymaster}
     * @return the store; it connects in the background
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
     * @return the store; it connects in the background
     */
    public static RedisTokenStore create(RedisClient client) {
        return builder().client(client).build();
    }

    /**
     * A store on the caller's Redis Cluster client, with this class's defaults; the caller keeps ownership.
     *
     * @param clusterClient the cluster client to open connections with
     * @return the store; it connects in the background
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

    /**
     * Stores the token unless Redis holds one that expires later (compared and written in one Lua script), so a
     * refresher that finished late never overwrites the newer token another instance stored meanwhile. A stored
     * token is announced on the key's channel and wakes this store's own waiters.
     */
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
        // Read inside the call: the first connection's probe decides whether PUBLISH exists.
        Long stored = call("PUT", link -> link.scripts.eval(PUT_SCRIPT, ScriptOutputType.INTEGER, keys,
                StoredToken.encode(token), Long.toString(token.expiresAt().toEpochMilli()),
                Long.toString(ttlMillis), layout.channel(key), notifications ? "1" : "0"));
        if (stored != null && stored == 1) {
            wakeWaiters();
        } else {
            LOG.debug("kept the stored token: it expires later than the one offered");
        }
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

    /** Takes the lease for exactly {@code leaseTime}: the client derives it from its own retry budget. */
    @Override
    public Optional<RefreshLease> tryAcquireLease(String key, Duration leaseTime) {
        String leaseKey = layout.leaseKey(key);
        long millis = Math.max(1, checkPositive(leaseTime, "leaseTime").toMillis());
        String owner = newOwnerId();
        String reply = call("LEASE", link -> link.strings.set(leaseKey, owner, SetArgs.Builder.nx().px(millis)));
        return "OK".equals(reply) ? Optional.of(new Lease(leaseKey, owner)) : Optional.empty();
    }

    /**
     * Waits for a token that expires after {@code expiresAfter}, woken by the notification that every stored
     * token publishes, and re-reading at least every poll interval in case a notification was lost (or always,
     * where Redis has no Pub/Sub). Never waits longer than {@code maxWait}, not even for a pub/sub connection
     * that is still opening.
     */
    @Override
    public Optional<AccessToken> awaitToken(String key, Instant expiresAfter, Duration maxWait)
            throws InterruptedException {
        KeyLayout.checkKey(key);
        Objects.requireNonNull(maxWait, "maxWait == null");
        long deadline = System.nanoTime() + maxWait.toNanos();
        String channel = layout.channel(key);
        while (true) {
            if (notifications) {
                // Until the subscription stands, every round tries again; it never waits past the deadline.
                subscribe(channel, deadline);
            }
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
     * Subscribes to {@code channel} once per store; concurrent waiters share the one SUBSCRIBE and all wait (until
     * {@code deadline} at most) for its confirmation, so none of them reads the token before a put could reach it
     * as a notification. Lettuce re-subscribes by itself after a reconnect.
     */
    private void subscribe(String channel, long deadline) throws InterruptedException {
        CompletableFuture<Void> subscription = subscriptions.get(channel);
        if (subscription == null) {
            StatefulRedisPubSubConnection<String, String> c;
            try {
                c = pubSub.get(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (RedisStoreException e) {
                LOG.debug("pub/sub connection not open, waiting by polling: {}", e.getMessage());
                return;
            }
            if (c == null) {
                return;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            subscription = subscriptions.putIfAbsent(channel, mine);
            if (subscription == null) {
                subscription = mine;
                c.async().subscribe(channel).whenComplete((ok, e) -> {
                    if (e == null) {
                        mine.complete(null);
                    } else {
                        subscriptions.remove(channel, mine);
                        mine.completeExceptionally(e);
                    }
                });
            }
        }
        long wait = Math.min(commandTimeout.toNanos(), deadline - System.nanoTime());
        try {
            subscription.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("not subscribed yet, waiting by polling: {}",
                    LazyConnection.describe(e instanceof ExecutionException ? e.getCause() : e));
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
            throw new RedisStoreException("Redis token store is closed", null, false);
        }
        Link link = commands.get();
        String unavailable = scriptsUnavailable;
        if (unavailable != null) {
            throw new RedisStoreConfigurationException(unavailable, null);
        }
        try {
            return command.apply(link);
        } catch (RuntimeException e) {
            RedisStoreConfigurationException problem = RedisConnections.configurationProblem(e, NEEDED_COMMANDS);
            if (problem != null) {
                report(problem.getMessage(), problem.getMessage());
                throw problem;
            }
            throw new RedisStoreException("Redis " + operation + " failed: " + LazyConnection.describe(e), e);
        }
    }

    private static String newOwnerId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Closes this store's connections, and the client too when the store created it. Waits for a connection
     * attempt still running (bounded by the connect timeout), so that nothing is left to log on a stopped event
     * loop. Idempotent.
     */
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

    /** @return the mode, the server's or Sentinels' host and port, and the key prefix; never a password */
    @Override
    public String toString() {
        return "RedisTokenStore{" + description + ", keyPrefix=" + layout.prefix() + "}";
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
     *         .redisUri("rediss://wecomkit:" + password + "@redis.internal:6380")
     *         .trustedCertificates(Path.of("/etc/ssl/private-ca.pem"))
     *         .keyPrefix("billing:wecomkit:")
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
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Clock clock = Clock.systemUTC();
        private TrustManagerFactory trust;

        private Builder() {
        }

        /**
         * Connect to this Redis with a client the store creates, configures and closes itself.
         *
         * @param redisUri {@code redis://[[user]:password@]host[:port][/db]}, {@code rediss://…} for TLS, or
         *                 {@code redis-sentinel://[[user]:password@]host1[:port1][,host2[:port2]…][/db]#master}
         *                 (the credentials are the data nodes'; Sentinels are asked without a password)
         * @return this builder
         * @throws IllegalArgumentException if the URI is blank or malformed, or a Sentinel URI names no master
         *                                  (the message omits the URI, which may carry a password)
         */
        public Builder redisUri(String redisUri) {
            this.redisUri = RedisConnections.parseUri(redisUri);
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
         * Trust the CA certificates in this PEM file instead of the JDK's default CAs, for a {@code rediss://}
         * server whose certificate a private CA signed. The host name is still checked against the certificate.
         *
         * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks
         * @return this builder
         * @throws IllegalArgumentException if the file cannot be read or holds no certificate
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trust = RedisConnections.trustPem(pemFile);
            return this;
        }

        /**
         * Trust the certificates in this key store instead of the JDK's default CAs, for a {@code rediss://}
         * server whose certificate a private CA signed. The host name is still checked against the certificate.
         *
         * @param trustStore a loaded key store with the CA's certificate entries
         * @return this builder
         * @throws IllegalArgumentException if the key store cannot be used as a trust store
         */
        public Builder trustStore(KeyStore trustStore) {
            this.trust = RedisConnections.trustStore(trustStore);
            return this;
        }

        /**
         * @param keyPrefix prepended to every key, default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}; may be
         *                  empty; must not contain braces (they would break the cluster hash tag) or whitespace
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
            return this;
        }

        /**
         * @param commandTimeout the time limit of each Redis command, default
         *                       {@link RedisTokenStore#DEFAULT_COMMAND_TIMEOUT}
         * @return this builder
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = checkPositive(commandTimeout, "commandTimeout");
            return this;
        }

        /**
         * @param connectTimeout how long a call waits for a connection that is still opening, and the connect and
         *                       handshake timeout of a client the store creates; default
         *                       {@link RedisTokenStore#DEFAULT_CONNECT_TIMEOUT}
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = checkPositive(connectTimeout, "connectTimeout");
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
         * @return the store; it connects in the background, so Redis may be down now
         * @throws IllegalStateException if not exactly one of {@code redisUri}, {@code client} or
         *                               {@code clusterClient} was given, or a trust option was given without a
         *                               {@code rediss://} URI
         */
        public RedisTokenStore build() {
            RedisConnections.checkSources(redisUri, client, clusterClient, trust);
            return new RedisTokenStore(this);
        }
    }
}
