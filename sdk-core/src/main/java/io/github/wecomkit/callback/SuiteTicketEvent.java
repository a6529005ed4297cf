package io.github.wecomkit.callback;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * WeCom pushed a new suite ticket to a service provider's command URL ({@code InfoType=suite_ticket}). It comes
 * every 10 minutes and stays valid for 30; always keep the newest. Answer the request with {@code success}.
 *
 * <pre>{@code
 * if (event instanceof SuiteTicketEvent t) {
 *     ticketStore.save(t.suiteId(), t.suiteTicket());
 * }
 * }</pre>
 *
 * <p>{@code toString()} hides the ticket.
 *
 * @param suiteId     the suite the ticket belongs to
 * @param suiteTicket the ticket, needed to fetch a suite access token; treat it as a secret
 * @param timestamp   when WeCom sent the command
 * @param fields      every top-level element of the decrypted XML
 */
public record SuiteTicketEvent(String suiteId, String suiteTicket, Instant timestamp, Map<String, String> fields)
        implements CallbackEvent {

    /** Checks for nulls and keeps an unmodifiable copy of the fields. */
    public SuiteTicketEvent {
        Objects.requireNonNull(suiteId, "suiteId == null");
        Objects.requireNonNull(suiteTicket, "suiteTicket == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
        fields = Fields.copy(fields);
    }

    @Override
    public String toString() {
        return "SuiteTicketEvent[suiteId=" + suiteId + ", suiteTicket=(hidden), timestamp=" + timestamp
                + ", fields=" + Fields.names(fields) + "]";
    }
}
