/**
 * WeCom callbacks (回调): URL verification, decryption of events and suite commands into typed
 * {@link io.github.wecomkit.callback.CallbackEvent}s, encrypted passive replies, and a guard against WeCom's
 * retries.
 *
 * <pre>{@code
 * WeComCallback callback = WeComCallback.builder()
 *         .token(token).encodingAesKey(encodingAesKey).receiveIds(corpId).build();
 * CallbackEvent event = callback.decrypt(msgSignature, timestamp, nonce, body);
 * }</pre>
 */
package io.github.wecomkit.callback;
