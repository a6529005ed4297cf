/**
 * A {@link io.github.wecomkit.token.TokenStore} on Redis (Lettuce) that lets a fleet of instances share one
 * access token and fetch it once per lifetime: {@link io.github.wecomkit.redis.RedisTokenStore}; and, for service
 * providers, {@link io.github.wecomkit.redis.RedisSuiteTicketStore}, {@link io.github.wecomkit.redis.RedisPermanentCodeStore}
 * (values encrypted at rest with a {@link io.github.wecomkit.redis.ValueCipher}) and
 * {@link io.github.wecomkit.redis.RedisCallbackGuard}.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder()
 *         .corpId(corpId).secret(secret)
 *         .tokenStore(RedisTokenStore.create("redis://127.0.0.1:6379"))
 *         .build();
 * }</pre>
 */
package io.github.wecomkit.redis;
