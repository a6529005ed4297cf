package io.github.wecomkit.callback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A corp changed what it grants the provider's app ({@code InfoType=change_auth}). Answer {@code success}, then
 * fetch the corp's auth info to see what changed.
 *
 * <pre>{@code
 * if (event instanceof ChangeAuthEvent c) {
 *     authSync.enqueue(c.suiteId(), c.authCorpId());
 * }
 * }</pre>
 *
 * @param suiteId    the suite concerned
 * @param authCorpId the corp that changed its authorization
 * @param timestamp  when WeCom sent the command
 * @param fields     every top-level element of the decrypted XML ({@code State}, {@code ExtraInfo} when present)
 */
public record ChangeAuthEvent(String suiteId, String authCorpId, Instant timestamp, Map<String, String> fields)
        implements CallbackEvent {

    /** Checks for nulls and keeps an unmodifiable copy of the fields. */
    public ChangeAuthEvent {
        Objects.requireNonNull(suiteId, "suiteId == null");
        Objects.requireNonNull(authCorpId, "authCorpId == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "ChangeAuthEvent[suiteId=" + suiteId + ", authCorpId=" + authCorpId + ", timestamp=" + timestamp
                + ", fields=" + Fields.names(fields) + "]";
    }
}
