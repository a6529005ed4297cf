package io.github.wecomkit.spring.internal;

import io.github.wecomkit.redis.RedisTokenStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A {@link RedisTokenStore} on the application's own Lettuce client, the one behind its
 * {@link LettuceConnectionFactory}: same host, password, database, TLS, Sentinel or Cluster settings, same Netty
 * event loops. The store opens its two connections (commands, pub/sub) on that client and never shuts it down.
 */
public final class RedisStores {
    private RedisStores() {
    }

    /**
     * @param factory   the application's connection factory
     * @param keyPrefix {@code wecom.token-store.key-prefix}
     * @return the store; close it before the factory stops (the context does, dependents first)
     */
    public static RedisTokenStore onApplicationClient(LettuceConnectionFactory factory, String keyPrefix) {
        RedisTokenStore.Builder builder = RedisTokenStore.builder();
        try {
            builder.keyPrefix(keyPrefix == null ? "" : keyPrefix);
        } catch (IllegalArgumentException e) {
            throw new WeComConfigurationException("wecom.token-store.key-prefix", 
                    "is not accepted: " + e.getMessage().replaceFirst("^key prefix ", ""), "Set wecom.token-store.key-prefix to letters, digits and ':' such as"
                    + " myapp:wecomkit:.");
        }
        if (!factory.isRunning()) {
            factory.start(); // a factory without early start-up has no client before it starts
        }
        AbstractRedisClient client = factory.getRequiredNativeClient();
        if (client instanceof RedisClusterClient cluster) {
            builder.clusterClient(cluster);
        } else if (client instanceof RedisClient standalone) {
            builder.client(standalone);
        } else {
            throw new WeComConfigurationException("wecom.token-store.type", "found a Lettuce client of an unknown"
                    + " kind (" + client.getClass().getName() + ")", "Define a TokenStore bean yourself.");
        }
        return builder.build();
    }
}
