/**
 * Spring Boot auto-configuration for wecomkit, for Boot 3.5 and 4.0: a {@code WeComClient} from {@code wecom.*}
 * properties ({@link io.github.wecomkit.spring.WeComProperties}), the Redis token store on the application's own
 * Lettuce client, a callback endpoint publishing {@link io.github.wecomkit.spring.WeComCallbackReceivedEvent}s,
 * Micrometer meters ({@link io.github.wecomkit.spring.WeComMetricsListener}) and a {@code wecom} health indicator.
 *
 * <pre>{@code
 * wecom.corp-id=ww0123456789abcdef
 * wecom.secret=${WECOM_SECRET}
 * }</pre>
 */
package io.github.wecomkit.spring;
