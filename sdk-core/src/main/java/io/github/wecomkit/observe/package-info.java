/**
 * Observability: the {@link io.github.wecomkit.observe.WeComListener} SPI and the events it receives. Nothing
 * here carries a secret or a token.
 */
package io.github.wecomkit.observe;
