package io.github.wecomkit.observe;

import java.time.Duration;

/**
 * A caller waited for a refresh that another thread or instance held.
 *
 * @param kind         which token
 * @param owner        the corp or suite id the token is for
 * @param waited       how long it waited
 * @param tokenArrived true if the other's token arrived; false if the wait ran out and the caller took over
 */
public record LeaseWaitEvent(TokenKind kind, String owner, Duration waited, boolean tokenArrived) {
}
