package io.github.wecomkit.internal;

import io.github.wecomkit.WeComClient;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The doors between {@link WeComClient} and the other areas of wecomkit, so that neither needs a public
 * constructor that takes internal types. Not for applications: {@code internal} is not part of the API.
 *
 * <ul>
 *   <li>{@link #clients()}: builds a client for a corp on a shared {@link ClientRuntime} with a token source of
 *       its own (a provider's {@code get_corp_token}, a customised app's permanent code).</li>
 *   <li>{@link #selfBuiltApps()}: a runtime from a {@code WeComClient.Builder}'s shared settings, and
 *       self-built apps' clients on it ({@code gettoken} with a secret): what a registry of several corps on one
 *       mini-program needs.</li>
 *   <li>{@link #area(Class, AreaContext)}: the entry object of an area reached from a client
 *       ({@code client.messages()}, {@code client.api()}); the area's class registers its factory in a static
 *       initializer with {@link #area(Class, Function)}.</li>
 * </ul>
 */
public final class Internals {
    /** Makes the fetcher of a corp's access token, given the caller that sends the calls for that corp. */
    @FunctionalInterface
    public interface TokenSource {
        TokenManager.Fetcher fetcher(ApiCaller caller);
    }

    /** Builds a client for one corp on a shared runtime. */
    @FunctionalInterface
    public interface ClientFactory {
        /**
         * @param runtime         the shared runtime; the client does not close it
         * @param ownsRuntime     whether closing the client closes the runtime
         * @param corpId          the corp
         * @param acceptedCorpIds the corps whose members {@code login} accepts (at least {@code corpId})
         * @param tokenKey        the store key of the corp's token
         * @param tokenSource     how the corp's token is fetched
         */
        WeComClient create(ClientRuntime runtime, boolean ownsRuntime, String corpId, Set<String> acceptedCorpIds,
                           String tokenKey, TokenSource tokenSource);
    }

    /** Self-built apps (a corp id and the app's secret) on a runtime shared by several corps. */
    public interface SelfBuiltApps {
        /**
         * A runtime (transport, store, executor, listener, clock) from a builder's shared settings. Its corp id,
         * secret and accepted corps must be unset: they belong to each corp.
         *
         * @throws IllegalStateException if the builder names a corp or a secret
         */
        ClientRuntime runtime(WeComClient.Builder settings);

        /**
         * A client for one corp's app on {@code runtime}: {@code gettoken} with the secret, the token under the
         * usual store key (corp id and a hash of the secret); {@code login} accepts that corp only. Closing the
         * client releases its token manager, not the runtime.
         */
        WeComClient client(ClientRuntime runtime, String corpId, String secret);
    }

    /**
     * What an area reached from a client needs of it.
     *
     * @param corpId the client's corp
     * @param api    calls with the client's managed token
     * @param open   throws {@link IllegalStateException} if the client is closed; areas run it before each call
     */
    public record AreaContext(String corpId, TokenedCaller api, Runnable open) {
    }

    private static volatile ClientFactory clients;
    private static volatile SelfBuiltApps selfBuiltApps;
    private static final Map<Class<?>, Function<AreaContext, ?>> AREAS = new ConcurrentHashMap<>();

    private Internals() {
    }

    /** Called once by {@link WeComClient}'s static initializer. */
    public static void clientFactory(ClientFactory factory) {
        clients = Objects.requireNonNull(factory, "factory == null");
    }

    /** Called once by {@link WeComClient}'s static initializer. */
    public static void selfBuiltApps(SelfBuiltApps apps) {
        selfBuiltApps = Objects.requireNonNull(apps, "apps == null");
    }

    /** @return the factory, initialising {@link WeComClient} first if needed */
    public static ClientFactory clients() {
        if (clients == null) {
            initialise(WeComClient.class);
        }
        return clients;
    }

    /** @return the self-built apps door, initialising {@link WeComClient} first if needed */
    public static SelfBuiltApps selfBuiltApps() {
        if (selfBuiltApps == null) {
            initialise(WeComClient.class);
        }
        return selfBuiltApps;
    }

    /** Called by an area's entry class, in its static initializer, with its private constructor. */
    public static <T> void area(Class<T> type, Function<AreaContext, ? extends T> factory) {
        AREAS.put(Objects.requireNonNull(type, "type == null"), Objects.requireNonNull(factory, "factory == null"));
    }

    /** @return a new entry object of the area {@code type} for a client, initialising the class first if needed */
    public static <T> T area(Class<T> type, AreaContext context) {
        Function<AreaContext, ?> factory = AREAS.get(type);
        if (factory == null) {
            initialise(type);
            factory = AREAS.get(type);
            if (factory == null) {
                throw new IllegalStateException(type.getName() + " registers no factory with Internals");
            }
        }
        return type.cast(factory.apply(context));
    }

    private static void initialise(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
