package io.github.wecomkit.callback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A member left the mini-program's visible range ({@code MsgType=event}, {@code Event=unsubscribe}): an admin
 * removed them, or a member in range left the corp or was disabled.
 *
 * <pre>{@code
 * if (event instanceof UnsubscribeEvent u) {
 *     members.deactivate(u.toUserName(), u.fromUserName());
 * }
 * }</pre>
 *
 * @param toUserName   the corp id
 * @param fromUserName the member's user id
 * @param createTime   when WeCom created the event
 * @param agentId      the application's agent id
 * @param fields       every top-level element of the decrypted XML
 */
public record UnsubscribeEvent(String toUserName, String fromUserName, Instant createTime, long agentId,
        Map<String, String> fields) implements CallbackEvent {

    /** Checks for nulls and keeps an unmodifiable copy of the fields. */
    public UnsubscribeEvent {
        Objects.requireNonNull(toUserName, "toUserName == null");
        Objects.requireNonNull(fromUserName, "fromUserName == null");
        Objects.requireNonNull(createTime, "createTime == null");
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "UnsubscribeEvent[toUserName=" + toUserName + ", fromUserName=" + fromUserName + ", createTime="
                + createTime + ", agentId=" + agentId + ", fields=" + Fields.names(fields) + "]";
    }
}
