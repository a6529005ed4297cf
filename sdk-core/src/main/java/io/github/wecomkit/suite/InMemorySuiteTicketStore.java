package io.github.wecomkit.suite;

import io.github.wecomkit.internal.Inputs;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link SuiteTicketStore}: tickets in this JVM only. Fine for one instance that receives WeCom's
 * pushes itself; a fleet (where the push lands on one instance) or a restart needs {@code RedisSuiteTicketStore}.
 *
 * <pre>{@code
 * SuiteTicketStore tickets = new InMemorySuiteTicketStore();
 * }</pre>
 */
public final class InMemorySuiteTicketStore implements SuiteTicketStore {
    private final Clock clock;
    private final ConcurrentHashMap<String, SuiteTicket> tickets = new ConcurrentHashMap<>();

    /** A store on the system clock. */
    public InMemorySuiteTicketStore() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock decides when a ticket's validity has ended; tests pass a fake clock
     */
    public InMemorySuiteTicketStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock == null");
    }

    @Override
    public boolean offer(SuiteTicket ticket) {
        Objects.requireNonNull(ticket, "ticket == null");
        if (!ticket.expiresAt().isAfter(clock.instant())) {
            return false;
        }
        SuiteTicket kept = tickets.merge(ticket.suiteId(), ticket,
                (held, offered) -> offered.isNewerThan(held) || !valid(held) ? offered : held);
        return kept == ticket;
    }

    @Override
    public Optional<SuiteTicket> newest(String suiteId) {
        Inputs.require("suiteId", suiteId);
        return Optional.ofNullable(tickets.get(suiteId)).filter(this::valid);
    }

    private boolean valid(SuiteTicket t) {
        return t.expiresAt().isAfter(clock.instant());
    }

    /** @return the suite ids held; never a ticket */
    @Override
    public String toString() {
        return "InMemorySuiteTicketStore{suites=" + tickets.keySet() + "}";
    }
}
