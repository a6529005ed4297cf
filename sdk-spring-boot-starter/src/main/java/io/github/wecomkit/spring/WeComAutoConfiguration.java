package io.github.wecomkit.spring;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.spring.internal.Listeners;
import io.github.wecomkit.token.TokenStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

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

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    WeComClient wecomClient(WeComProperties properties, TokenStore tokenStore,
                            ObjectProvider<WeComListener> listeners,
                            ObjectProvider<WeComClientBuilderCustomizer> customizers) {
        WeComClient.Builder builder = Settings.singleCorp(Settings.common(properties), properties)
                .tokenStore(tokenStore)
                .listener(Listeners.of(listeners.orderedStream().toList()));
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "wecom.callback.token")
    WeComCallback wecomCallback(WeComProperties properties) {
        return Settings.callback(properties);
    }
}
