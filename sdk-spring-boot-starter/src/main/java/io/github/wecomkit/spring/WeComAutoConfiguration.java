package io.github.wecomkit.spring;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.spring.internal.Listeners;
import io.github.wecomkit.token.TokenStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configures a {@link WeComClient} from {@code wecom.*}, its {@link TokenStore} (Redis on the application's
 * own Lettuce client when it has one, in memory otherwise) and, with {@code wecom.callback.token} set, a
 * {@link WeComCallback}. Every bean backs off when the application defines its own; a
 * {@link WeComClientBuilderCustomizer} adjusts the client, every {@link WeComListener} bean observes it.
 *
 * <pre>{@code
 * @Service
 * class Login {
 *     private final WeComClient wecom;
 *     Login(WeComClient wecom) { this.wecom = wecom; }
 *     Member login(String code) { return wecom.getUser(wecom.login(code).userId()); }
 * }
 * }</pre>
 *
 * <p>Runs after Boot's Redis auto-configuration (whose class moved between Boot 3 and 4, hence the names).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
    "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "wecom.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WeComProperties.class)
// Imported in this order, Redis first, memory as the fallback; as member classes of this class they would be
// registered in an order Spring does not define.
@Import({TokenStoreConfigurations.Redis.class, TokenStoreConfigurations.Memory.class})
public class WeComAutoConfiguration {

    /** Boot instantiates it. */
    public WeComAutoConfiguration() {
    }

    /** Whether {@code wecom.corps} lists at least one corp (bound like the properties, so every source counts). */
    static final class CorpsConfigured {
        private CorpsConfigured() {
        }

        static boolean in(ConditionContext context) {
            return Binder.get(context.getEnvironment())
                    .bind("wecom.corps", Bindable.listOf(WeComProperties.Corp.class))
                    .map(list -> !list.isEmpty()).orElse(false);
        }

        static final class Yes extends SpringBootCondition {
            @Override
            public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
                return in(context) ? ConditionOutcome.match("wecom.corps is set")
                        : ConditionOutcome.noMatch("wecom.corps is not set");
            }
        }

        static final class No extends SpringBootCondition {
            @Override
            public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
                return in(context) ? ConditionOutcome.noMatch("wecom.corps is set")
                        : ConditionOutcome.match("wecom.corps is not set");
            }
        }
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({WeComClient.class, WeComCorps.class})
    @Conditional(CorpsConfigured.No.class)
    WeComClient wecomClient(WeComProperties properties, TokenStore tokenStore,
                            ObjectProvider<WeComListener> listeners,
                            ObjectProvider<WeComClientBuilderCustomizer> customizers) {
        WeComClient.Builder builder = Settings.singleCorp(Settings.common(properties), properties)
                .tokenStore(tokenStore)
                .listener(Listeners.of(listeners.orderedStream().toList()));
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * With {@code wecom.corps[n]}: one registry for every corp on one pool and one token store. The customizers
     * adjust the shared settings (they must not name a corp).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(WeComCorps.class)
    @Conditional(CorpsConfigured.Yes.class)
    WeComCorps wecomCorps(WeComProperties properties, TokenStore tokenStore, ObjectProvider<WeComListener> listeners,
                          ObjectProvider<WeComClientBuilderCustomizer> customizers) {
        WeComClient.Builder shared = Settings.common(properties).tokenStore(tokenStore)
                .listener(Listeners.of(listeners.orderedStream().toList()));
        customizers.orderedStream().forEach(customizer -> customizer.customize(shared));
        return Settings.corps(shared, properties);
    }

    /** With several corps, the default corp's client, for code that injects a {@code WeComClient}. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(WeComClient.class)
    @ConditionalOnBean(WeComCorps.class)
    WeComClient wecomDefaultCorpClient(WeComCorps corps) {
        return corps.corp(corps.defaultCorpId());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "wecom.callback.token")
    WeComCallback wecomCallback(WeComProperties properties) {
        return Settings.callback(properties);
    }
}
