/**
 * Any other WeCom API: {@link io.github.wecomkit.api.RawApi}, reached with {@code client.api()} or the shortcuts
 * {@code client.get(..)} and {@code client.post(..)}, calls what wecomkit does not wrap with the managed token,
 * the same error table and the same resend rules.
 *
 * <pre>{@code
 * JsonNode ids = client.get("user/list_id", Map.of("limit", "100"));
 * }</pre>
 */
package io.github.wecomkit.api;
