package io.github.wecomkit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One command connection for the provider-flow stores (tickets, permanent codes, the callback guard), standalone
 * or cluster: opened in the background, failures thrown as {@link RedisStoreException}, closed with the client
 * when the store created the client itself. Every command these stores send touches one key, so a cluster
 * connection needs no hash-tag care beyond the key layout's.
 */
final class RedisLink implements AutoCloseable {
    private final String name;
    private final LazyConnection<Commands> commands;
    private final Runnable shutdown;
    private final AtomicBoolean closed = new AtomicBoolean();

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

    private RedisLink(String name, LazyConnection<Commands> commands, Runnable shutdown) {
        this.name = name;
        this.commands = commands;
        this.shutdown = shutdown;
        commands.connectInBackground();
    }

    static RedisLink open(String name, RedisStoreBuilder<?, ?> b) {
        Duration timeout = b.commandTimeout;
        if (b.clusterClient != null) {
            RedisClusterClient cluster = b.clusterClient;
            return new RedisLink(name, new LazyConnection<>(name + " cluster", () -> {
                StatefulRedisClusterConnection<String, String> c = cluster.connect();
                c.setTimeout(timeout);
                return new Commands(c);
            }, c -> c.connection.close(), b.connectTimeout, RedisTokenStore.CONNECT_RETRY_DELAY), () -> { });
        }
        RedisClient client;
        Runnable shutdown;
        if (b.client != null) {
            client = b.client;
            shutdown = () -> { };
        } else {
            ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2)
                    .computationThreadPoolSize(2)
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2,
                            TimeUnit.MILLISECONDS))
                    .build();
            RedisURI uri = b.redisUri;
            uri.setTimeout(timeout);
            client = RedisClient.create(resources, uri);
            client.setOptions(RedisTokenStore.recommendedOptions(timeout, b.connectTimeout));
            RedisClient owned = client;
            shutdown = () -> {
                owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            };
        }
        return new RedisLink(name, new LazyConnection<>(name, () -> {
            StatefulRedisConnection<String, String> c = client.connect();
            c.setTimeout(timeout);
            return new Commands(c);
        }, c -> c.connection.close(), b.connectTimeout, RedisTokenStore.CONNECT_RETRY_DELAY), shutdown);
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
