package io.github.wecomkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command connection for the provider-flow stores (tickets, permanent codes, the callback guard), standalone
 * Sentinel or cluster: opened in the background like {@link RedisTokenStore}'s (a quick TCP check first, so a
 * refused connection fails in a millisecond; a wrong password, a missing permission or an untrusted certificate
 * as a {@link RedisStoreConfigurationException} saying what to fix), other failures thrown as
 * {@link RedisStoreException}, closed with the client when the store created the client itself. Every command
 * these stores send touches one key, so a cluster connection needs no hash-tag care beyond the key layout's.
 */
final class RedisLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
    /** For the hint on a missing permission (NOPERM). */
    private static final String NEEDED_COMMANDS = "GET, SET, DEL, EVAL, HSET, HGET and HDEL on the store's"
            + " keys";
    private final String name;
    private final LazyConnection<Commands> commands;
    private final Runnable shutdown;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Configuration problems this store logged already: a misconfigured store warns once, not per call. */
    private final Set<String> reported;

    /** The sync commands both a standalone and a cluster connection offer. */
    private static final class Commands {
        final StatefulConnection<String, String> connection;
        final RedisClusterCommands<String, String> sync;

        Commands(StatefulRedisConnection<String, String> c) {
            this.connection = c;
            this.sync = c.sync();
        }

        Commands(StatefulRedisClusterConnection<String, String> c) {
            this.connection = c;
            this.sync = c.sync();
        }
    }

    private RedisLink(String name, LazyConnection<Commands> commands, Runnable shutdown, Set<String> reported) {
        this.name = name;
        this.reported = reported;
        this.commands = commands;
        this.shutdown = shutdown;
        commands.connectInBackground();
    }

    static RedisLink open(String name, RedisStoreBuilder<?, ?> b) {
        Duration timeout = b.commandTimeout;
        Duration connectTimeout = b.connectTimeout;
        Set<String> reported = ConcurrentHashMap.newKeySet();
        Function<Throwable, RedisStoreException> failure = e -> failure(name, reported, e);
        if (b.clusterClient != null) {
            RedisClusterClient cluster = b.clusterClient;
            return new RedisLink(name, new LazyConnection<>(name + " cluster", () -> { }, () -> {
                StatefulRedisClusterConnection<String, String> c = cluster.connect();
                c.setTimeout(timeout);
                return new Commands(c);
            }, c -> c.connection.close(), failure, connectTimeout, RedisTokenStore.CONNECT_RETRY_DELAY,
                    attemptBound(1, b)), () -> { }, reported);
        }
        RedisClient client;
        Runnable quickCheck;
        Runnable shutdown;
        int targets = 1;
        if (b.client != null) {
            client = b.client;
            quickCheck = () -> { };
            shutdown = () -> { };
        } else {
            RedisConnections.OwnedClient owned = RedisConnections.own(b.redisUri, timeout, connectTimeout, b.trust);
            client = owned.client;
            quickCheck = owned.quickCheck;
            shutdown = owned.shutdown;
            targets = Math.max(1, b.redisUri.getSentinels().size());
        }
        return new RedisLink(name, new LazyConnection<>(name, quickCheck, () -> {
            StatefulRedisConnection<String, String> c = RedisConnections.againAfterHandshakeRace(client::connect);
            c.setTimeout(timeout);
            return new Commands(c);
        }, c -> c.connection.close(), failure, connectTimeout, RedisTokenStore.CONNECT_RETRY_DELAY,
                attemptBound(targets, b)), shutdown, reported);
    }

    /** The quick check and the Lettuce connect, each trying every Sentinel in turn, and the handshake. */
    private static Duration attemptBound(int targets, RedisStoreBuilder<?, ?> b) {
        return b.connectTimeout.multipliedBy(2L * targets + 2).plusSeconds(1);
    }

    /** {@link RedisConnections#connectFailure}, a configuration problem logged once per store as a warning. */
    private static RedisStoreException failure(String name, Set<String> reported, Throwable t) {
        return RedisConnections.connectFailure(name, t, NEEDED_COMMANDS, problem -> {
            if (reported.add(problem.getMessage())) {
                LOG.warn("{}: store=Redis {}", problem.getMessage(), name);
            }
        });
    }

    /** Runs one command; a failure becomes a {@link RedisStoreException} naming the operation, never a value. */
    <T> T call(String operation, Function<RedisClusterCommands<String, String>, T> command) {
        if (closed.get()) {
            throw new RedisStoreException("Redis " + name + " is closed", null);
        }
        Commands c = commands.get();
        try {
            return command.apply(c.sync);
        } catch (RuntimeException e) {
            if (RedisConnections.configurationProblem(e, NEEDED_COMMANDS) != null) {
                throw failure(name, reported, e); // a NOPERM, say: typed and logged once like a connect failure
            }
            throw new RedisStoreException("Redis " + operation + " failed (" + name + "): "
                    + LazyConnection.describe(e), e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            commands.close();
            shutdown.run();
        }
    }
}
