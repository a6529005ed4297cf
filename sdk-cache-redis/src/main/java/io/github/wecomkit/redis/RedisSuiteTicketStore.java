package io.github.wecomkit.redis;

import io.github.wecomkit.suite.SuiteTicket;
import io.github.wecomkit.suite.SuiteTicketStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SuiteTicketStore} on Redis: the ticket WeCom pushed to one instance serves the whole fleet, and survives
 * a restart. The newest ticket wins atomically (a Lua script compares the push times, so two pushes handled at once
 * on two instances, or a late retry of an older push, never leave a stale ticket), and it is kept for its whole
 * 30-minute validity, not shorter and not longer.
 *
 * <pre>{@code
 * SuiteTicketStore tickets = RedisSuiteTicketStore.create("redis://127.0.0.1:6379");
 * SuiteClient suite = SuiteClient.builder()....ticketStore(tickets).build();
 * }</pre>
 *
 * <p>Layout, for the prefix {@code P} (default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}) and a suite id
 * {@code S}: the string {@code P{suite_ticket:S}} holds {@code <pushedAtEpochMillis>:<ticket>} with a TTL that
 * ends when the ticket does. One key per suite, so several suites share one Redis without colliding; the key holds
 * no secret. With a {@link ValueCipher} the ticket part is stored encrypted.
 */
public final class RedisSuiteTicketStore implements SuiteTicketStore, AutoCloseable {
    private static final String OFFER_SCRIPT = ""
            + "local v = redis.call('GET', KEYS[1])\n"
            + "if v then\n"
            + "  local at = tonumber(string.match(v, '^(%d+):'))\n"
            + "  if at and at >= tonumber(ARGV[1]) then return 0 end\n"
            + "end\n"
            + "redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])\n"
            + "return 1";

    private final KeyLayout layout;
    private final ValueCipher cipher;
    private final Clock clock;
    private final RedisLink link;

    private RedisSuiteTicketStore(Builder b) {
        this.layout = new KeyLayout(b.keyPrefix);
        this.cipher = b.cipher;
        this.clock = b.clock;
        this.link = RedisLink.open("suite ticket store", b);
    }

    /**
     * @param redisUri for example {@code redis://127.0.0.1:6379/0}
     * @return a store with this class's defaults on a client it creates (and closes)
     */
    public static RedisSuiteTicketStore create(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /**
     * @param client the caller's client, never shut down by the store
     * @return a store with this class's defaults
     */
    public static RedisSuiteTicketStore create(RedisClient client) {
        return builder().client(client).build();
    }

    /** @return a builder; one of {@code redisUri}, {@code client} or {@code clusterClient} is required */
    public static Builder builder() {
        return new Builder();
    }

    String key(String suiteId) {
        return layout.tokenKey("suite_ticket:" + suiteId);
    }

    @Override
    public boolean offer(SuiteTicket ticket) {
        Objects.requireNonNull(ticket, "ticket == null");
        long ttl = Duration.between(clock.instant(), ticket.expiresAt()).toMillis();
        if (ttl <= 0) {
            return false;
        }
        String[] keys = {key(ticket.suiteId())};
        Long kept = link.call("OFFER TICKET", redis -> redis.eval(OFFER_SCRIPT, ScriptOutputType.INTEGER, keys,
                Long.toString(ticket.pushedAt().toEpochMilli()), cipher.encrypt(ticket.value()), Long.toString(ttl)));
        return kept != null && kept == 1;
    }

    @Override
    public Optional<SuiteTicket> newest(String suiteId) {
        String key = key(Objects.requireNonNull(suiteId, "suiteId == null"));
        String raw = link.call("GET TICKET", redis -> redis.get(key));
        if (raw == null) {
            return Optional.empty();
        }
        int colon = raw.indexOf(':');
        long at;
        try {
            at = Long.parseLong(raw.substring(0, Math.max(0, colon)));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not written by this store
        }
        SuiteTicket ticket = SuiteTicket.of(suiteId, decrypt(raw.substring(colon + 1)), Instant.ofEpochMilli(at));
        return ticket.expiresAt().isAfter(clock.instant()) ? Optional.of(ticket) : Optional.empty();
    }

    private String decrypt(String stored) {
        try {
            return cipher.decrypt(stored);
        } catch (RuntimeException e) {
            throw new RedisStoreException("could not decrypt a stored suite ticket (" + e.getClass().getSimpleName()
                    + "): is the ValueCipher the one that wrote it?", null);
        }
    }

    /** Closes the connection, and the client when the store created it. */
    @Override
    public void close() {
        link.close();
    }

    /** @return the key prefix and the cipher in use; never a ticket or a URI */
    @Override
    public String toString() {
        return "RedisSuiteTicketStore{keyPrefix=" + layout.prefix() + ", cipher=" + cipher + "}";
    }

    /**
     * Builds a {@link RedisSuiteTicketStore}.
     *
     * <pre>{@code
     * RedisSuiteTicketStore.builder().redisUri(uri).cipher(cipher).clock(clock).build();
     * }</pre>
     */
    public static final class Builder extends RedisStoreBuilder<Builder, RedisSuiteTicketStore> {
        private ValueCipher cipher = ValueCipher.NONE;

        private Builder() {
        }

        /**
         * @param cipher encrypts tickets at rest; {@link ValueCipher#NONE} by default
         * @return this builder
         */
        public Builder cipher(ValueCipher cipher) {
            this.cipher = Objects.requireNonNull(cipher, "cipher == null");
            return this;
        }

        @Override
        RedisSuiteTicketStore create() {
            return new RedisSuiteTicketStore(this);
        }
    }
}
