package io.github.wecomkit.internal;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.token.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every client built from one configuration shares: one transport (one connection pool), one token store,
 * one refresh executor, one listener, one clock. A client for one corp owns a runtime; a registry of several
 * corps, or a provider's suite client with hundreds of authorised corps, shares one among all its per-corp
 * clients, so adding a corp costs a token manager, not a pool.
 */
public final class ClientRuntime implements AutoCloseable {
    /**
     * The settings.
     *
     * @param baseUrl         WeCom's origin
     * @param transport       sends every request
     * @param connectTimeout  the time to open a connection
     * @param requestTimeout  the deadline of one attempt once connected
     * @param retryPolicy     when to retry
     * @param sleeper         waits between attempts
     * @param events          the listener
     * @param clock           token expiry
     * @param refreshExecutor background refreshes
     * @param tokenStore      where tokens are shared
     * @param refreshAhead    refresh-ahead window
     * @param expiryMargin    expiry margin
     * @param miniProgramAppId the mini-program's appid ({@code wx...}) for wx.qy data, or {@code null}
     */
    public record Settings(String baseUrl, HttpTransport transport, Duration connectTimeout, Duration requestTimeout,
                           RetryPolicy retryPolicy, ApiCaller.Sleeper sleeper, Events events, Clock clock,
                           Executor refreshExecutor, TokenStore tokenStore, Duration refreshAhead,
                           Duration expiryMargin, String miniProgramAppId) {
    }

    /** The connection limit of a client that sets none: the default transport keeps as many idle connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    private final Settings settings;
    private final AsyncExecutor async;
    private final LongSupplier ticker;
    private final Set<TokenManager> managers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A runtime whose async calls run on the default executor, sized by the transport's connection limit. */
    public ClientRuntime(Settings settings) {
        this(settings, AsyncExecutor.of(null, settings.transport() instanceof LimitingTransport
                ? ((LimitingTransport) settings.transport()).maxConnections() : DEFAULT_MAX_CONNECTIONS));
    }

    /**
     * @param settings the settings
     * @param async    where the HTTP part of async calls runs; closed with this runtime
     */
    public ClientRuntime(Settings settings, AsyncExecutor async) {
        this.settings = settings;
        this.async = async;
        this.ticker = ticker(settings.clock());
    }

    /** @return where the HTTP part of async calls runs */
    public AsyncExecutor asyncExecutor() {
        return async;
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** @return a caller for calls made for {@code owner} (a corp or suite id, for events) */
    public ApiCaller caller(String owner) {
        return new ApiCaller(settings.transport(), settings.baseUrl(), settings.requestTimeout(),
                settings.retryPolicy(), settings.sleeper(), settings.events(), owner, async);
    }

    /**
     * A token manager on this runtime's store, clock and executor. {@link #close()} closes it; a caller that
     * drops a manager earlier (a corp removed at run time) calls {@link #release(TokenManager)}.
     *
     * @param key     the store key: built from the owner and a hash of the credential, never the credential
     * @param owner   the corp or suite id
     * @param kind    which token
     * @param fetcher calls WeCom
     */
    public TokenManager tokenManager(String key, String owner, TokenKind kind, TokenManager.Fetcher fetcher) {
        checkOpen();
        TokenManager m = new TokenManager(new TokenManager.Config(key, owner, kind, settings.tokenStore(), fetcher,
                settings.clock(), ticker, settings.refreshAhead(), settings.expiryMargin(),
                settings.refreshExecutor(), fetchBudget(), settings.events()));
        managers.add(m);
        return m;
    }

    /** Closes a manager this runtime made, before the runtime itself closes. */
    public void release(TokenManager manager) {
        if (managers.remove(manager)) {
            manager.close();
        }
    }

    /**
     * The longest one token fetch can take: retries start within {@code maxElapsed}, and the last attempt may
     * take a connect and a request timeout. The refresh lease outlasts it.
     */
    public Duration fetchBudget() {
        return settings.retryPolicy().maxElapsed().plus(settings.connectTimeout()).plus(settings.requestTimeout());
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /** @throws IllegalStateException if closed */
    public void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this WeCom client is closed");
        }
    }

    /** Stops every token manager's background work and closes the transport's connections. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (TokenManager m : managers) {
            m.close();
        }
        managers.clear();
        async.close();
        settings.transport().close();
    }

    /**
     * Cooldowns and backoffs run on {@link System#nanoTime()}, which a step of the wall clock cannot move. A
     * clock given by a test drives them instead, so the test can advance them.
     */
    static LongSupplier ticker(Clock clock) {
        if (clock.getClass() == Clock.systemUTC().getClass()) {
            return System::nanoTime;
        }
        return () -> clock.millis() * 1_000_000L;
    }
}
