package io.github.wecomkit.spring;

import io.github.wecomkit.callback.CallbackDeduplicator;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.spring.internal.CallbackEndpoint;
import io.github.wecomkit.spring.internal.Listeners;
import io.github.wecomkit.spring.internal.MvcCallbackController;
import io.github.wecomkit.spring.internal.WebFluxCallbackController;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The callback endpoint at {@code wecom.callback.path} (default {@code /wecom/callback}) of a Spring MVC or WebFlux
 * application that has a {@link WeComCallback} (from {@code wecom.callback.*} or its own bean): GET answers
 * WeCom's URL verification, POST decrypts an event and publishes it as a {@link WeComCallbackReceivedEvent}.
 *
 * <pre>{@code
 * @EventListener
 * void onUnsubscribe(WeComCallbackReceivedEvent<UnsubscribeEvent> event) { ... }
 * }</pre>
 *
 * <p>WeCom's retries of a callback already handled are dropped by a {@link CallbackDeduplicator} (in memory,
 * per instance). A request that fails a check is answered 403 (signature, receive id, timestamp), 413 (size) or
 * 400, with an empty body.
 */
@AutoConfiguration(after = WeComAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = {"wecom.enabled", "wecom.callback.enabled"}, matchIfMissing = true)
@ConditionalOnWebApplication
@ConditionalOnBean(WeComCallback.class)
public class WeComCallbackAutoConfiguration {

    /** Boot instantiates it. */
    public WeComCallbackAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    CallbackDeduplicator wecomCallbackDeduplicator() {
        return CallbackDeduplicator.create();
    }

    @Bean
    @ConditionalOnMissingBean
    CallbackEndpoint wecomCallbackEndpoint(WeComCallback callback, CallbackDeduplicator deduplicator,
                                           ApplicationEventPublisher publisher,
                                           ObjectProvider<WeComListener> listeners,
                                           ObjectProvider<WeComProperties> properties) {
        properties.ifAvailable(p -> Settings.checkPath(p.getCallback().getPath()));
        return new CallbackEndpoint(callback, deduplicator, publisher,
                Listeners.of(listeners.orderedStream().toList()));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class Mvc {
        @Bean
        @ConditionalOnMissingBean
        MvcCallbackController wecomCallbackController(CallbackEndpoint endpoint) {
            return new MvcCallbackController(endpoint);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
    static class WebFlux {
        @Bean
        @ConditionalOnMissingBean
        WebFluxCallbackController wecomCallbackController(CallbackEndpoint endpoint) {
            return new WebFluxCallbackController(endpoint);
        }
    }
}
