package io.github.wecomkit.corp;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.ReloginRequiredException;
import io.github.wecomkit.internal.ClientRuntime;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.internal.Internals;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The corps one mini-program is bound to, each with the secret of the mini-program's app in that corp: logs
 * members of any of them in and looks them up with their own corp's credentials. All corps share one connection
 * pool, one token store (each corp's token under its own key), one refresh executor and one listener; a corp
 * costs a token manager. Corps can be added and removed while the registry serves calls, so a backend can load
 * them from its database. Thread-safe: build one at start-up and share it.
 *
 * <pre>{@code
 * WeComCorps corps = WeComCorps.builder()
 *         .corp("ww0000000000000a", secretA)            // the first corp is the default
 *         .corp("ww0000000000000b", secretB)
 *         .settings(WeComClient.builder().tokenStore(RedisTokenStore.create("redis://redis:6379")))
 *         .build();
 *
 * try {
 *     LoginSession session = corps.login(code);          // exchanged with the default corp
 *     Member member = corps.getUser(session);            // with the member's own corp
 * } catch (ReloginRequiredException e) {
 *     // tell the mini-program: call wx.qy.login again, then send the new code with e.corpId()
 * }
 * LoginSession again = corps.login(newCode, corpIdFromTheMiniProgram);
 * }</pre>
 *
 * <p><b>The relogin round trip.</b> WeCom lets any bound corp's credentials exchange a member's code and answers
 * with the member's real corp; calls for that member must then use that corp's credentials (WeCom refuses calls
 * across corps). Codes are single-use, so the exchange cannot simply be repeated: the mini-program must call
 * {@code wx.qy.login} again and the backend exchanges the new code with {@link #login(String, String)}. The
 * registry reports that case as a {@link ReloginRequiredException} naming the corp; a corp it does not serve is a
 * plain {@link CorpMismatchException} (its superclass).
 *
 * <p>Why an exception rather than a result type with two cases: {@code login} returns a {@link LoginSession} in
 * the common case and keeps the shape of {@link WeComClient#login(String)}, so a backend that serves one corp
 * today needs no change when it adds a second; Java 17 has no pattern-matching {@code switch} to make a sealed
 * result pleasant; and the relogin is an answer the backend passes on rather than a session it uses, the same
 * branch as a used code ({@code InvalidCodeException}) next to which it is caught.
 */
public final class WeComCorps implements AutoCloseable {
    private final ClientRuntime runtime;
    private final Internals.SelfBuiltApps apps;
    private final String defaultCorpId;
    private final Map<String, Corp> corps = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A corp's client and a hash of its secret (to tell a rotated secret from the same one). */
    private record Corp(WeComClient client, String secretHash) {
    }

    private WeComCorps(Builder b) {
        this.apps = Internals.selfBuiltApps();
        this.runtime = apps.runtime(b.settings != null ? b.settings : WeComClient.builder());
        this.defaultCorpId = b.defaultCorpId != null ? b.defaultCorpId : b.corps.keySet().iterator().next();
        b.corps.forEach(this::addCorp);
    }

    /** @return a builder; at least one corp is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the corp whose credentials exchange a code when the mini-program names none */
    public String defaultCorpId() {
        return defaultCorpId;
    }

    /** @return the corp ids served now, sorted; a snapshot */
    public Set<String> corpIds() {
        return Collections.unmodifiableSet(new TreeSet<>(corps.keySet()));
    }

    /**
     * @param corpId a corp id
     * @return whether the registry serves that corp now
     */
    public boolean serves(String corpId) {
        return corpId != null && corps.containsKey(corpId);
    }

    /**
     * The client of one corp, for every other call (messages, raw API calls, members by id). Do not keep it
     * across a {@link #removeCorp(String)} of its corp: it is closed then.
     *
     * @param corpId a corp the registry serves
     * @return that corp's client
     * @throws CorpMismatchException if the registry does not serve {@code corpId}
     */
    public WeComClient corp(String corpId) {
        Inputs.require("corpId", corpId);
        checkOpen();
        Corp c = corps.get(corpId);
        if (c == null) {
            throw notServed(corpId);
        }
        return c.client;
    }

    /**
     * Logs a member in with the default corp's credentials: the first exchange, when the mini-program does not
     * know its corp yet.
     *
     * @param code the code from {@code wx.qy.login}; single-use, valid five minutes
     * @return the member's session, if the member belongs to the default corp
     * @throws ReloginRequiredException the member belongs to another corp the registry serves: the mini-program
     *                                  must call {@code wx.qy.login} again and send the new code with
     *                                  {@link ReloginRequiredException#corpId()} to {@link #login(String, String)}
     * @throws CorpMismatchException    the member belongs to a corp the registry does not serve
     * @throws io.github.wecomkit.error.InvalidCodeException the code was used already or expired (40029)
     * @throws io.github.wecomkit.error.WeComApiException    any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public LoginSession login(String code) {
        return login(code, defaultCorpId);
    }

    /**
     * Logs a member in with the credentials of {@code corpId}: the second exchange of the relogin round trip, or
     * the only one when the mini-program remembers its corp.
     *
     * @param code   the code from {@code wx.qy.login}
     * @param corpId the corp to exchange it with, as the mini-program sent it
     * @return the member's session
     * @throws CorpMismatchException    the registry does not serve {@code corpId} (the code is not used), or the
     *                                  member belongs to a corp it does not serve
     * @throws ReloginRequiredException the member belongs to yet another corp the registry serves
     * @throws io.github.wecomkit.error.InvalidCodeException the code was used already or expired (40029)
     * @throws io.github.wecomkit.error.WeComApiException    any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public LoginSession login(String code, String corpId) {
        Inputs.require("code", code);
        Inputs.require("corpId", corpId);
        return withCorp(corpId, client -> {
            try {
                return client.login(code);
            } catch (CorpMismatchException e) {
                // A corp's client accepts its own corp only; the answer names the member's real corp.
                if (serves(e.corpId())) {
                    throw new ReloginRequiredException(e.corpId(), corpId);
                }
                throw notServed(e.corpId());
            }
        });
    }

    /**
     * Reads a logged-in member ({@code user/get}) with the credentials of the member's own corp.
     *
     * @param session a session from {@link #login(String)} or {@link #login(String, String)}
     * @return the member
     * @throws CorpMismatchException the member's corp was removed from the registry since the login
     * @throws io.github.wecomkit.error.NoPrivilegeException  the member is outside the app's visible range (60011)
     * @throws io.github.wecomkit.error.UserNotFoundException no such member (60111)
     * @throws io.github.wecomkit.error.WeComApiException     any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public Member getUser(LoginSession session) {
        Objects.requireNonNull(session, "session == null");
        return withCorp(session.corpId(), client -> client.getUser(session.userId()));
    }

    /**
     * Adds a corp, or replaces its secret. The same secret again changes nothing; another secret (a rotated
     * one) replaces the corp's client, and the old one is closed. The corp's token is fetched at its first call.
     *
     * @param corpId the corp id ({@code ww...})
     * @param secret the secret of the mini-program's app in that corp; never logged
     * @return the corp's client
     * @throws IllegalArgumentException if an argument is blank, too long or has control characters
     * @throws IllegalStateException    if the registry is closed
     */
    public WeComClient addCorp(String corpId, String secret) {
        Inputs.require("corpId", corpId);
        Inputs.require("secret", secret);
        checkOpen();
        String hash = Inputs.shortHash(secret);
        Corp[] replaced = new Corp[1];
        Corp now = corps.compute(corpId, (id, old) -> {
            if (old != null && old.secretHash.equals(hash)) {
                return old;
            }
            replaced[0] = old;
            return new Corp(apps.client(runtime, id, secret), hash);
        });
        if (replaced[0] != null) {
            replaced[0].client.close();
        }
        return now.client;
    }

    /**
     * Removes a corp: its client is closed and its token manager released (no more background refreshes). Its
     * token stays in the store until it expires, for other instances that still serve the corp.
     *
     * @param corpId the corp id
     * @return whether the registry served that corp
     * @throws IllegalArgumentException if {@code corpId} is the default corp, which cannot be removed
     */
    public boolean removeCorp(String corpId) {
        Inputs.require("corpId", corpId);
        if (corpId.equals(defaultCorpId)) {
            throw new IllegalArgumentException("corpId is the default corp, which cannot be removed");
        }
        Corp old = corps.remove(corpId);
        if (old == null) {
            return false;
        }
        old.client.close();
        return true;
    }

    /**
     * Closes every corp's client and the shared connections. The token store is the caller's and stays open.
     * Closing twice does nothing.
     */
    @Override
    public void close() {
        closed = true;
        runtime.close();
        corps.clear();
    }

    /** @return the corp ids and the default; never a secret or a token */
    @Override
    public String toString() {
        return "WeComCorps{default=" + defaultCorpId + ", corps=" + corpIds() + "}";
    }

    /**
     * Runs a call with a corp's client. A client closed under the call because its corp was removed or its secret
     * replaced meanwhile fails before anything is sent (the closed check and the token come first); the call then
     * runs once more with the corp's current client, or fails as a corp the registry does not serve.
     */
    private <T> T withCorp(String corpId, Function<WeComClient, T> call) {
        checkOpen();
        Corp c = corps.get(corpId);
        if (c == null) {
            throw notServed(corpId);
        }
        try {
            return call.apply(c.client);
        } catch (IllegalStateException e) {
            Corp current = corps.get(corpId);
            if (closed || current == c) {
                throw e;
            }
            if (current == null) {
                throw notServed(corpId);
            }
            return call.apply(current.client);
        }
    }

    private CorpMismatchException notServed(String corpId) {
        return new CorpMismatchException(corpId, corpIds());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this WeComCorps is closed");
        }
    }

    /**
     * Builds a {@link WeComCorps}: the corps with their secrets, the default corp, and the settings they share.
     *
     * <pre>{@code
     * WeComCorps.builder().corps(secretsByCorpIdFromTheDatabase).defaultCorp(mainCorpId)
     *         .settings(WeComClient.builder().requestTimeout(Duration.ofSeconds(5))).build();
     * }</pre>
     */
    public static final class Builder {
        private final Map<String, String> corps = new LinkedHashMap<>();
        private String defaultCorpId;
        private WeComClient.Builder settings;

        private Builder() {
        }

        /**
         * Adds a corp; the first one added is the default unless {@link #defaultCorp(String)} names another.
         *
         * @param corpId the corp id ({@code ww...})
         * @param secret the secret of the mini-program's app in that corp; never logged
         * @return this builder
         * @throws IllegalArgumentException if the corp was added already, or an argument is blank or malformed
         */
        public Builder corp(String corpId, String secret) {
            Inputs.require("corpId", corpId);
            Inputs.require("secret", secret);
            if (corps.putIfAbsent(corpId, secret) != null) {
                throw new IllegalArgumentException("corpId was added already: " + corpId);
            }
            return this;
        }

        /**
         * Adds several corps, in the map's order.
         *
         * @param secretsByCorpId secret per corp id
         * @return this builder
         */
        public Builder corps(Map<String, String> secretsByCorpId) {
            Objects.requireNonNull(secretsByCorpId, "secretsByCorpId == null");
            secretsByCorpId.forEach(this::corp);
            return this;
        }

        /**
         * @param corpId the corp whose credentials exchange a code when the mini-program names no corp; one of
         *               the corps added. The first corp added, unless given.
         * @return this builder
         */
        public Builder defaultCorp(String corpId) {
            this.defaultCorpId = Inputs.require("corpId", corpId);
            return this;
        }

        /**
         * @param settings what every corp shares: base URL, timeouts, HTTP client, token store, retry policy,
         *                 refresh margins and executor, listener, clock. Its corp id, secret and accepted corps
         *                 must stay unset. {@code WeComClient.builder()}'s defaults unless given.
         * @return this builder
         */
        public Builder settings(WeComClient.Builder settings) {
            this.settings = Objects.requireNonNull(settings, "settings == null");
            return this;
        }

        /**
         * @return the registry
         * @throws IllegalStateException if no corp was added, the default corp is not one of them, or the settings
         *                               name a corp
         */
        public WeComCorps build() {
            if (corps.isEmpty()) {
                throw new IllegalStateException("at least one corp is required: call corp(corpId, secret)");
            }
            if (defaultCorpId != null && !corps.containsKey(defaultCorpId)) {
                throw new IllegalStateException("defaultCorp must be one of the corps added: " + defaultCorpId);
            }
            return new WeComCorps(this);
        }
    }
}
