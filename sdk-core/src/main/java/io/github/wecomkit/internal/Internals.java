package io.github.wecomkit.internal;

import io.github.wecomkit.WeComClient;
import java.util.Objects;
import java.util.Set;

/**
 * The one door through which other areas of wecomkit build a {@link WeComClient} for a corp on a shared
 * {@link ClientRuntime} with a token source of their own (a provider's {@code get_corp_token}, a customised app's
 * permanent code). Not for applications: {@code internal} is not part of the API.
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

    private static volatile ClientFactory clients;

    private Internals() {
    }

    /** Called once by {@link WeComClient}'s static initializer. */
    public static void clientFactory(ClientFactory factory) {
        clients = Objects.requireNonNull(factory, "factory == null");
    }

    /** @return the factory, initialising {@link WeComClient} first if needed */
    public static ClientFactory clients() {
        ClientFactory f = clients;
        if (f == null) {
            try {
                Class.forName(WeComClient.class.getName(), true, WeComClient.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            f = clients;
        }
        return f;
    }
}
