package io.github.wecomkit.callback;

import java.util.Map;

/**
 * A callback the SDK has no type for (a message, another event, another command), or a known one that lacks a
 * field its type needs. Nothing is lost: {@link #fields()} holds every top-level element.
 *
 * <pre>{@code
 * if (event instanceof OtherEvent other && "enter_agent".equals(other.fields().get("Event"))) {
 *     visits.record(other.fields().get("FromUserName"));
 * }
 * }</pre>
 *
 * <p>{@code toString()} shows only {@code MsgType}, {@code Event}, {@code InfoType} and the field names.
 *
 * @param fields every top-level element of the decrypted XML
 */
public record OtherEvent(Map<String, String> fields) implements CallbackEvent {

    /** Keeps an unmodifiable copy of the fields. */
    public OtherEvent {
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "OtherEvent[MsgType=" + fields.get("MsgType") + ", Event=" + fields.get("Event") + ", InfoType="
                + fields.get("InfoType") + ", fields=" + Fields.names(fields) + "]";
    }
}
