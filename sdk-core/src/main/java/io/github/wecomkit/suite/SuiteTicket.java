package io.github.wecomkit.suite;

import io.github.wecomkit.callback.SuiteTicketEvent;
import io.github.wecomkit.internal.Inputs;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@code suite_ticket} WeCom pushed to a suite's command URL: the value, the suite it belongs to, and when WeCom
 * sent it (the command's {@code TimeStamp}). WeCom pushes one every 10 minutes and each stays valid for
 * {@link #VALIDITY}; the newest one is the one to use. {@link #toString()} hides the value.
 *
 * <pre>{@code
 * SuiteTicket ticket = SuiteTicket.of(event);          // from a SuiteTicketEvent
 * boolean newest = ticketStore.offer(ticket);
 * }</pre>
 */
public final class SuiteTicket {
    /** How long WeCom accepts a ticket after pushing it: 30 minutes, so that two missed pushes do no harm. */
    public static final Duration VALIDITY = Duration.ofMinutes(30);

    private final String suiteId;
    private final String value;
    private final Instant pushedAt;

    private SuiteTicket(String suiteId, String value, Instant pushedAt) {
        this.suiteId = suiteId;
        this.value = value;
        this.pushedAt = pushedAt;
    }

    /**
     * @param suiteId  the suite the ticket belongs to
     * @param value    the ticket; a secret
     * @param pushedAt when WeCom sent it (the command's {@code TimeStamp})
     * @return the ticket
     * @throws IllegalArgumentException if the suite id or the value is blank, too long or has control characters
     */
    public static SuiteTicket of(String suiteId, String value, Instant pushedAt) {
        Inputs.require("suiteId", suiteId);
        Inputs.require("value", value);
        return new SuiteTicket(suiteId, value, Objects.requireNonNull(pushedAt, "pushedAt == null"));
    }

    /**
     * @param event a decrypted {@code suite_ticket} command
     * @return its ticket
     */
    public static SuiteTicket of(SuiteTicketEvent event) {
        Objects.requireNonNull(event, "event == null");
        return of(event.suiteId(), event.suiteTicket(), event.timestamp());
    }

    /** @return the suite the ticket belongs to */
    public String suiteId() {
        return suiteId;
    }

    /** @return the ticket; a secret, never log it */
    public String value() {
        return value;
    }

    /** @return when WeCom sent it */
    public Instant pushedAt() {
        return pushedAt;
    }

    /** @return when WeCom stops accepting it: {@link #pushedAt()} plus {@link #VALIDITY} */
    public Instant expiresAt() {
        return pushedAt.plus(VALIDITY);
    }

    /**
     * @param other another ticket of the same suite
     * @return whether this one was pushed later, so it replaces {@code other}
     */
    public boolean isNewerThan(SuiteTicket other) {
        return pushedAt.isAfter(other.pushedAt);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SuiteTicket)) {
            return false;
        }
        SuiteTicket t = (SuiteTicket) o;
        return suiteId.equals(t.suiteId) && value.equals(t.value) && pushedAt.equals(t.pushedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(suiteId, value, pushedAt);
    }

    /** @return the suite id and push time; never the ticket */
    @Override
    public String toString() {
        return "SuiteTicket{suiteId=" + suiteId + ", pushedAt=" + pushedAt + ", value=<redacted>}";
    }
}
