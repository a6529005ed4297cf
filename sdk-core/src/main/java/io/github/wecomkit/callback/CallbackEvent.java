package io.github.wecomkit.callback;

import java.util.Map;
import java.util.Optional;

/**
 * A decrypted WeCom callback. Switch on the type; anything the SDK does not model arrives as {@link OtherEvent},
 * so a new event type never breaks a backend.
 *
 * <pre>{@code
 * CallbackEvent event = callback.decrypt(signature, timestamp, nonce, body);
 * if (event instanceof SubscribeEvent s) {
 *     members.activate(s.fromUserName());
 * } else if (event instanceof SuiteTicketEvent t) {
 *     tickets.save(t.suiteId(), t.suiteTicket());
 * } else {
 *     log.info("ignored callback {}", event.field("Event").orElse("?"));
 * }
 * }</pre>
 *
 * <p>{@link #fields()} holds every top-level element of the decrypted XML by element name, in document order:
 * the text of a simple element, or the inner XML of an element with children. When a name repeats, the first
 * occurrence wins. {@code toString()} shows field names and identifiers, never tickets or auth codes.
 */
public sealed interface CallbackEvent
        permits SubscribeEvent, UnsubscribeEvent, SuiteTicketEvent, CreateAuthEvent, ChangeAuthEvent,
        CancelAuthEvent, OtherEvent {

    /**
     * @return every top-level element of the decrypted XML (unmodifiable, document order)
     */
    Map<String, String> fields();

    /**
     * @param name an element name such as {@code "MsgId"}
     * @return that element's value, or empty when the message has no such element
     */
    default Optional<String> field(String name) {
        return Optional.ofNullable(fields().get(name));
    }
}
