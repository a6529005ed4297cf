package io.github.wecomkit.callback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A corp installed the provider's app from the WeCom app market ({@code InfoType=create_auth}). Store the auth
 * code, answer {@code success} within a second, and exchange the code for a permanent code asynchronously
 * (it is single-use and valid for 10 minutes).
 *
 * <pre>{@code
 * if (event instanceof CreateAuthEvent a) {
 *     installs.enqueue(a.suiteId(), a.authCode(), a.state());
 * }
 * }</pre>
 *
 * <p>{@code toString()} hides the auth code.
 *
 * @param suiteId   the installed suite
 * @param authCode  the temporary auth code; treat it as a secret
 * @param timestamp when WeCom sent the command
 * @param state     the {@code State} the provider passed to the install link, or {@code ""} when absent
 * @param fields    every top-level element of the decrypted XML (including {@code ExtraInfo} when present)
 */
public record CreateAuthEvent(String suiteId, String authCode, Instant timestamp, String state,
        Map<String, String> fields) implements CallbackEvent {

    /** Checks for nulls and keeps an unmodifiable copy of the fields. */
    public CreateAuthEvent {
        Objects.requireNonNull(suiteId, "suiteId == null");
        Objects.requireNonNull(authCode, "authCode == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
        Objects.requireNonNull(state, "state == null");
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "CreateAuthEvent[suiteId=" + suiteId + ", authCode=(hidden), timestamp=" + timestamp + ", state="
                + state + ", fields=" + Fields.names(fields) + "]";
    }
}
