/**
 * Messages from an app: {@link io.github.wecomkit.message.Messages}, reached with {@code client.messages()},
 * sends {@link io.github.wecomkit.message.MiniProgramNotice mini-program notices} and returns a
 * {@link io.github.wecomkit.message.SendResult}.
 *
 * <pre>{@code
 * client.messages().send(MiniProgramNotice.builder().appId(appId).title("审批已通过").toUsers(userId).build());
 * }</pre>
 */
package io.github.wecomkit.message;
