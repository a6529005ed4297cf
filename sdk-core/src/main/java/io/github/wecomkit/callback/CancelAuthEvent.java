package io.github.wecomkit.callback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A corp uninstalled the provider's app ({@code InfoType=cancel_auth}). Answer {@code success}; the provider must
 * then delete that corp's data.
 *
 * <pre>{@code
 * if (event instanceof CancelAuthEvent c) {
 *     tenants.scheduleDeletion(c.authCorpId());
 * }
 * }</pre>
 *
 * @param suiteId    the suite concerned
 * @param authCorpId the corp that removed the app
 * @param timestamp  when WeCom sent the command
 * @param fields     every top-level element of the decrypted XML
 */
public record CancelAuthEvent(String suiteId, String authCorpId, Instant timestamp, Map<String, String> fields)
        implements CallbackEvent {

    /** Checks for nulls and keeps an unmodifiable copy of the fields. */
    public CancelAuthEvent {
        Objects.requireNonNull(suiteId, "suiteId == null");
        Objects.requireNonNull(authCorpId, "authCorpId == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "CancelAuthEvent[suiteId=" + suiteId + ", authCorpId=" + authCorpId + ", timestamp=" + timestamp
                + ", fields=" + Fields.names(fields) + "]";
    }
}
