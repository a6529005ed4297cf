package io.github.wecomkit.suite;

import io.github.wecomkit.internal.Inputs;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PermanentCodeStore} in this JVM only: for tests and demos. The codes are lost when the process ends,
 * and then every corp would have to reinstall the app; production code keeps them in a database or in
 * {@code RedisPermanentCodeStore}.
 *
 * <pre>{@code
 * PermanentCodeStore codes = new InMemoryPermanentCodeStore();
 * }</pre>
 */
public final class InMemoryPermanentCodeStore implements PermanentCodeStore {
    private final ConcurrentHashMap<String, String> codes = new ConcurrentHashMap<>();

    @Override
    public void put(String suiteId, String corpId, String permanentCode) {
        codes.put(key(suiteId, corpId), Inputs.require("permanentCode", permanentCode));
    }

    @Override
    public Optional<String> get(String suiteId, String corpId) {
        return Optional.ofNullable(codes.get(key(suiteId, corpId)));
    }

    @Override
    public boolean remove(String suiteId, String corpId) {
        return codes.remove(key(suiteId, corpId)) != null;
    }

    private static String key(String suiteId, String corpId) {
        return Inputs.require("suiteId", suiteId) + '\n' + Inputs.require("corpId", corpId);
    }

    /** @return how many codes are held; never a code */
    @Override
    public String toString() {
        return "InMemoryPermanentCodeStore{codes=" + codes.size() + "}";
    }
}
