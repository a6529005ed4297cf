package io.github.wecomkit.spring;

import io.github.wecomkit.WeComClient;

/**
 * Adjusts the {@link WeComClient.Builder} the starter configured from {@code wecom.*}, before the client is built.
 * Declare one or more as beans; they run in {@link org.springframework.core.annotation.Order @Order} order, after
 * the properties are applied, so they can change anything.
 *
 * <pre>{@code
 * @Bean
 * WeComClientBuilderCustomizer refreshEarlier() {
 *     return builder -> builder.tokenRefreshAhead(Duration.ofMinutes(10));
 * }
 * }</pre>
 *
 * <p>To observe the client, declare a {@code WeComListener} bean instead of calling {@code listener(..)} here:
 * the starter combines all listener beans (its Micrometer one included), and a listener set here replaces them.
 */
@FunctionalInterface
public interface WeComClientBuilderCustomizer {
    /**
     * @param builder the builder, with the properties already applied
     */
    void customize(WeComClient.Builder builder);
}
