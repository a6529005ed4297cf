package io.github.wecomkit.spring;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * A {@link WeComMetricsListener} on the application's {@link MeterRegistry}, which the starter's clients and
 * callback endpoint report to. Off with {@code wecom.metrics.enabled=false}; then no event is even built.
 *
 * <pre>{@code
 * GET /actuator/metrics/wecom.api.calls?tag=api:miniprogram/jscode2session
 * }</pre>
 *
 * <p>Runs after Boot's meter registry auto-configurations (their package moved between Boot 3 and 4).
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = {"wecom.enabled", "wecom.metrics.enabled"}, matchIfMissing = true)
public class WeComMetricsAutoConfiguration {

    /** Boot instantiates it. */
    public WeComMetricsAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean
    WeComMetricsListener wecomMetricsListener(MeterRegistry registry) {
        return new WeComMetricsListener(registry);
    }
}
