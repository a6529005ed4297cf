package io.github.wecomkit.suite;

import java.util.Optional;

/**
 * Where a suite's {@code suite_ticket} is kept between WeCom's pushes, shared by every instance that fetches the
 * suite token. Implementations keep, per suite id, the ticket with the latest {@link SuiteTicket#pushedAt()}
 * (an older one arriving late never replaces a newer one, also when two pushes race), and keep it for its whole
 * validity ({@link SuiteTicket#VALIDITY}), not shorter and not forever. {@link InMemorySuiteTicketStore} serves
 * one process; {@code RedisSuiteTicketStore} (wecomkit-cache-redis) a fleet and a restart.
 *
 * <pre>{@code
 * SuiteTicketStore tickets = new InMemorySuiteTicketStore();
 * tickets.offer(SuiteTicket.of(event));
 * Optional<SuiteTicket> newest = tickets.newest("wwsuite...");
 * }</pre>
 *
 * <p>Implementations must be thread-safe and must never log a ticket's value.
 */
public interface SuiteTicketStore {

    /**
     * Keeps {@code ticket} if it was pushed later than the one held for its suite (or none is held) and is still
     * valid by the store's clock. Atomic: of two concurrent offers, the later-pushed ticket wins.
     *
     * @param ticket the ticket
     * @return whether {@code ticket} is now the newest one held
     */
    boolean offer(SuiteTicket ticket);

    /**
     * @param suiteId the suite
     * @return the newest ticket that is still valid, or empty
     */
    Optional<SuiteTicket> newest(String suiteId);
}
