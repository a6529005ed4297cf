package io.github.wecomkit.spring;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.spring.internal.Boot3HealthIndicator;
import io.github.wecomkit.spring.internal.Boot4HealthIndicator;
import io.github.wecomkit.token.TokenStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@code wecom} health indicator: per corp, the token's state and expiry, the last refresh failure and whether
 * the token store is degraded, read from {@link WeComClient#tokenStatus()} (it never calls WeCom or the store).
 * DOWN only when no corp can call WeCom. Off with {@code management.health.wecom.enabled=false} (or
 * {@code management.health.defaults.enabled=false}).
 *
 * <pre>{@code
 * GET /actuator/health/wecom  ->  {"status":"UP","details":{"corps":{"ww...":{"state":"FRESH",...}},...}}
 * }</pre>
 *
 * <p>Boot 4 moved the health API to its own module and package, so there is one configuration per line, each
 * switched on by its line's classes.
 */
@AutoConfiguration(after = WeComAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "wecom.enabled", matchIfMissing = true)
@ConditionalOnBean(WeComClient.class)
@Conditional(WeComHealthAutoConfiguration.HealthIndicatorEnabled.class)
public class WeComHealthAutoConfiguration {

    /** Boot instantiates it. */
    public WeComHealthAutoConfiguration() {
    }

    /** Every corp's status: each corp of a {@code WeComCorps} registry, and each other client bean, once. */
    static Supplier<List<TokenStatus>> statuses(ObjectProvider<WeComClient> clients,
                                                ObjectProvider<WeComCorps> registries) {
        return () -> {
            Set<WeComClient> all = Collections.newSetFromMap(new IdentityHashMap<>());
            List<WeComClient> ordered = new ArrayList<>();
            registries.orderedStream().forEach(corps -> corps.corpIds().forEach(id -> {
                WeComClient c = corps.corp(id);
                if (all.add(c)) {
                    ordered.add(c);
                }
            }));
            clients.orderedStream().forEach(c -> {
                if (all.add(c)) {
                    ordered.add(c);
                }
            });
            return ordered.stream().map(WeComClient::tokenStatus).toList();
        };
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3 {
        @Bean
        @ConditionalOnMissingBean(name = "wecomHealthIndicator")
        Boot3HealthIndicator wecomHealthIndicator(ObjectProvider<WeComClient> clients,
                                                  ObjectProvider<WeComCorps> registries) {
            return new Boot3HealthIndicator(statuses(clients, registries));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {
        @Bean
        @ConditionalOnMissingBean(name = "wecomHealthIndicator")
        Boot4HealthIndicator wecomHealthIndicator(ObjectProvider<WeComClient> clients,
                                                  ObjectProvider<WeComCorps> registries) {
            return new Boot4HealthIndicator(statuses(clients, registries));
        }
    }

    /** Boot's own rule for an indicator: its property, else {@code management.health.defaults.enabled}. */
    static final class HealthIndicatorEnabled extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Boolean defaults = context.getEnvironment().getProperty("management.health.defaults.enabled",
                    Boolean.class, Boolean.TRUE);
            Boolean enabled = context.getEnvironment().getProperty("management.health.wecom.enabled", Boolean.class,
                    defaults);
            return enabled ? ConditionOutcome.match("management.health.wecom.enabled is true")
                    : ConditionOutcome.noMatch("management.health.wecom.enabled is false");
        }
    }
}
