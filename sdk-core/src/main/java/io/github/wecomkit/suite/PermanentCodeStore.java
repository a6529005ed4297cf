package io.github.wecomkit.suite;

import java.util.Optional;

/**
 * Where the permanent codes (永久授权码) of the corps that authorised a suite are kept: the one credential a
 * provider needs, per corp, to act for that corp, and a secret. WeCom shows it once, when the corp installs the
 * app ({@code get_permanent_code}); lose it and the corp must reinstall. Back it with your database (implement
 * this interface), or use {@code RedisPermanentCodeStore} (wecomkit-cache-redis, with encryption at rest);
 * {@link InMemoryPermanentCodeStore} is for tests.
 *
 * <pre>{@code
 * PermanentCodeStore codes = new InMemoryPermanentCodeStore();
 * SuiteClient suite = SuiteClient.builder()....permanentCodeStore(codes).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe and must never log a code. {@link SuiteClient} reads a corp's code when
 * it first serves that corp, then again each time it fetches the corp's token, so a code added or removed here
 * (by another instance, or by an administrator) takes effect without a restart.
 */
public interface PermanentCodeStore {

    /**
     * Stores or replaces a corp's permanent code.
     *
     * @param suiteId       the suite the corp authorised
     * @param corpId        the corp
     * @param permanentCode the code; a secret
     */
    void put(String suiteId, String corpId, String permanentCode);

    /**
     * @param suiteId the suite
     * @param corpId  the corp
     * @return the corp's permanent code, or empty if the corp has not authorised the suite (or cancelled)
     */
    Optional<String> get(String suiteId, String corpId);

    /**
     * Forgets a corp's permanent code (the corp cancelled the authorisation).
     *
     * @param suiteId the suite
     * @param corpId  the corp
     * @return whether a code was held
     */
    boolean remove(String suiteId, String corpId);
}
