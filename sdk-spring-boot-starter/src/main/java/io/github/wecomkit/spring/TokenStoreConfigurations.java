package io.github.wecomkit.spring;

import io.github.wecomkit.redis.RedisTokenStore;
import io.github.wecomkit.spring.internal.RedisStores;
import io.github.wecomkit.spring.internal.WeComConfigurationException;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.TokenStore;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The token store configurations {@link WeComAutoConfiguration} imports, in order. */
final class TokenStoreConfigurations {
    private TokenStoreConfigurations() {
    }

    /**
     * Redis, on the application's Lettuce client, unless {@code wecom.token-store.type=memory}. Why the
     * application's client and not one of its own: one set of Redis settings ({@code spring.data.redis.*}, TLS,
     * Sentinel, Cluster), one set of Netty threads, no second client to size and shut down.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.github.wecomkit.redis.RedisTokenStore",
        "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory"})
    @ConditionalOnBean(type = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
    @Conditional(RedisAllowed.class)
    static class Redis {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(TokenStore.class)
        RedisTokenStore wecomRedisTokenStore(LettuceConnectionFactory connectionFactory, WeComProperties properties) {
            return RedisStores.onApplicationClient(connectionFactory, properties.getTokenStore().getKeyPrefix());
        }
    }

    /** In memory: {@code type=memory}, or {@code auto} without Redis; {@code type=redis} without Redis fails. */
    @Configuration(proxyBeanMethods = false)
    static class Memory {
        @Bean
        @ConditionalOnMissingBean(TokenStore.class)
        TokenStore wecomTokenStore(WeComProperties properties) {
            if (properties.getTokenStore().getType() == WeComProperties.TokenStoreType.REDIS) {
                throw new WeComConfigurationException("wecom.token-store.type", "is redis, but the application has"
                        + " no Lettuce Redis connection factory, or wecomkit-cache-redis is not on the class path",
                        "Add spring-boot-starter-data-redis (with Lettuce, its default) and wecomkit-cache-redis and"
                                + " configure spring.data.redis.*, define a TokenStore bean, or set"
                                + " wecom.token-store.type=auto.");
            }
            return new InMemoryTokenStore();
        }
    }

    /** Any type but {@code memory}; bound the way the properties are, so {@code MEMORY} and env vars count. */
    static final class RedisAllowed extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            WeComProperties.TokenStoreType type = Binder.get(context.getEnvironment())
                    .bind("wecom.token-store.type", WeComProperties.TokenStoreType.class)
                    .orElse(WeComProperties.TokenStoreType.AUTO);
            return type == WeComProperties.TokenStoreType.MEMORY
                    ? ConditionOutcome.noMatch("wecom.token-store.type is memory")
                    : ConditionOutcome.match("wecom.token-store.type is " + type);
        }
    }
}
