package io.github.wecomkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.api.RawApi;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.internal.ApiCaller;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.internal.AsyncExecutor;
import io.github.wecomkit.internal.ClientRuntime;
import io.github.wecomkit.internal.Events;
import io.github.wecomkit.internal.HttpTransport;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.internal.Internals;
import io.github.wecomkit.internal.JdkHttpClientTransport;
import io.github.wecomkit.internal.LimitingTransport;
import io.github.wecomkit.internal.ProxyConfig;
import io.github.wecomkit.internal.SocketTransport;
import io.github.wecomkit.internal.TokenManager;
import io.github.wecomkit.internal.TokenedCaller;
import io.github.wecomkit.message.Messages;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.TokenStatus;
import io.github.wecomkit.token.TokenStore;
import io.github.wecomkit.wxqy.WxQyData;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The client for one WeCom mini-program app in one corp: turns {@code wx.qy.login} codes into members and keeps
 * the app's access token fresh. Immutable and thread-safe: build one at start-up and share it.
 *
 * <pre>{@code
 * WeComClient client = WeComClient.builder()
 *         .corpId("ww0123456789abcdef")
 *         .secret(System.getenv("WECOM_SECRET"))
 *         .build();
 * LoginSession session = client.login(code);           // jscode2session + corp check
 * Member member = client.getUser(session.userId());    // user/get
 * }</pre>
 *
 * <p>The access token is fetched once per lifetime per corp and secret, however many threads call, renewed in
 * the background before it ends, and shared through the {@link TokenStore} (in-memory by default; Redis across
 * instances). A token WeCom rejects (40014, 42001) is dropped only if it is still the current one, and the call
 * is retried once.
 *
 * <p>Other areas are reached from here: {@link #messages()} sends mini-program notices, {@link #api()} (and its
 * shortcuts {@link #get(String, Map)}, {@link #post(String, Object)}) calls any other WeCom API with the managed
 * token. A mini-program bound to several corps uses {@link io.github.wecomkit.corp.WeComCorps}, which holds one
 * client per corp on one shared connection pool and token store.
 *
 * <p>{@link #async()} makes the same calls without blocking the calling thread, returning
 * {@code CompletableFuture}s (see {@link AsyncWeComClient}).
 */
public final class WeComClient implements AutoCloseable {
    /** WeCom's API host. */
    public static final String DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com";
    /** Time to open a connection; raise it only for slow networks or proxies. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Time to wait for an answer once connected; a user is usually waiting on a login. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** A token is renewed in the background this long before it turns expired (scaled down for short tokens). */
    public static final Duration DEFAULT_TOKEN_REFRESH_AHEAD = Duration.ofMinutes(5);
    /** A token counts as expired this long before WeCom's stated end, for clock skew and latency. */
    public static final Duration DEFAULT_TOKEN_EXPIRY_MARGIN = Duration.ofMinutes(1);
    /**
     * Requests one client has in flight at most; more callers wait their turn. As many as the default transport
     * keeps idle connections, so a busy client reuses its sockets instead of opening one per caller.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = ClientRuntime.DEFAULT_MAX_CONNECTIONS;
    /** The most {@link Builder#maxConnections(int)} accepts. */
    static final int MAX_CONNECTIONS_LIMIT = 4096;

    static final String API_GET_TOKEN = "gettoken";
    static final String API_JSCODE2SESSION = "miniprogram/jscode2session";
    static final String API_USER_GET = "user/get";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectReader TOKEN_READER = MAPPER.readerFor(ApiResponse.Token.class);
    private static final ObjectReader SESSION_READER = MAPPER.readerFor(ApiResponse.Session.class);
    private static final ObjectReader USER_READER = MAPPER.readerFor(ApiResponse.User.class);

    private final ClientRuntime runtime;
    private final boolean ownsRuntime;
    private final String corpId;
    private final Set<String> acceptedCorpIds;
    private final TokenManager tokens;
    private final TokenedCaller api;
    private final WxQyData wxQy;
    private final Messages messages;
    private final RawApi raw;
    private final AsyncWeComClient async;
    private final String description;
    private volatile boolean closed;

    static {
        // Other areas (a provider's per-corp clients) build clients on a shared runtime through this door.
        Internals.clientFactory(WeComClient::new);
        Internals.selfBuiltApps(new Internals.SelfBuiltApps() {
            @Override
            public ClientRuntime runtime(Builder settings) {
                return settings.sharedRuntime();
            }

            @Override
            public WeComClient client(ClientRuntime runtime, String corpId, String secret) {
                return new WeComClient(runtime, false, corpId, Set.of(corpId), tokenKey(corpId, secret),
                        gettoken(corpId, secret, runtime.settings().clock()));
            }
        });
    }

    private WeComClient(ClientRuntime runtime, boolean ownsRuntime, String corpId, Set<String> acceptedCorpIds,
                        String tokenKey, Internals.TokenSource tokenSource) {
        this.runtime = runtime;
        this.ownsRuntime = ownsRuntime;
        this.corpId = corpId;
        this.acceptedCorpIds = Set.copyOf(acceptedCorpIds);
        ApiCaller caller = runtime.caller(corpId);
        this.tokens = runtime.tokenManager(tokenKey, corpId, TokenKind.CORP, tokenSource.fetcher(caller));
        this.api = new TokenedCaller(caller, tokens, "access_token", WeComClient::isTokenRejection);
        Internals.AreaContext area = new Internals.AreaContext(corpId, api, this::checkOpen);
        this.messages = Internals.area(Messages.class, area);
        this.raw = Internals.area(RawApi.class, area);
        ClientRuntime.Settings s = runtime.settings();
        this.wxQy = s.miniProgramAppId() == null ? null
                : WxQyData.builder().appId(s.miniProgramAppId()).clock(s.clock()).build();
        this.async = new AsyncWeComClient(this);
        this.description = "WeComClient{corpId=" + corpId + ", baseUrl=" + s.baseUrl() + ", tokenStore="
                + s.tokenStore().getClass().getSimpleName() + ", transport=" + s.transport() + "}";
    }

    /** A self-built app's token: {@code gettoken} with the corp id and the app's secret. */
    static Internals.TokenSource gettoken(String corpId, String secret, Clock clock) {
        return caller -> () -> {
            Instant issuedAt = clock.instant();
            ApiResponse.Token t = caller.get(API_GET_TOKEN, Resend.IDEMPOTENT, TOKEN_READER,
                    "corpid", corpId, "corpsecret", secret);
            if (isBlank(t.accessToken) || t.expiresIn <= 0) {
                throw new WeComDecodeException("WeCom's answer lacks access_token or a positive expires_in",
                        API_GET_TOKEN, null);
            }
            return AccessToken.of(t.accessToken, issuedAt, issuedAt.plusSeconds(t.expiresIn));
        };
    }

    /** The store key of an app's token: the corp id and a hash of the secret, never the secret itself. */
    static String tokenKey(String corpId, String secret) {
        return "access_token:" + corpId + ":" + Inputs.shortHash(secret);
    }

    /** @return a builder; {@code corpId} and {@code secret} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the corp this client's app belongs to */
    public String corpId() {
        return corpId;
    }

    /**
     * Exchanges a {@code wx.qy.login} code for the member's session ({@code miniprogram/jscode2session}) and
     * checks that the member's corp is one this client serves.
     *
     * @param code the code the mini-program sent; single-use, valid five minutes
     * @return the corp id, user id and session key
     * @throws NullPointerException                      if {@code code} is null
     * @throws IllegalArgumentException                  if {@code code} is blank, too long or has control characters
     * @throws io.github.wecomkit.error.InvalidCodeException the code was used already or expired (40029)
     * @throws CorpMismatchException                     the member belongs to a corp this client does not serve
     * @throws io.github.wecomkit.error.InvalidCredentialException the corp id or secret is wrong
     * @throws io.github.wecomkit.error.WeComApiException any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public LoginSession login(String code) {
        checkOpen();
        Inputs.require("code", code);
        return session(api.get(API_JSCODE2SESSION, Resend.ONLY_IF_NOT_SENT, SESSION_READER, loginParams(code)));
    }

    /** The async twin of {@link #login(String)}, for {@link AsyncWeComClient}: the same checks, call and mapping. */
    CompletableFuture<LoginSession> loginAsync(String code) {
        checkOpen();
        Inputs.require("code", code);
        return api.getAsync(API_JSCODE2SESSION, Resend.ONLY_IF_NOT_SENT, SESSION_READER, this::session,
                loginParams(code));
    }

    private static String[] loginParams(String code) {
        return new String[] {"js_code", code, "grant_type", "authorization_code"};
    }

    private LoginSession session(ApiResponse.Session s) {
        if (isBlank(s.corpid) || isBlank(s.userid) || isBlank(s.sessionKey)) {
            throw new WeComDecodeException("WeCom's answer lacks corpid, userid or session_key", API_JSCODE2SESSION,
                    null);
        }
        if (!acceptedCorpIds.contains(s.corpid)) {
            throw new CorpMismatchException(s.corpid, acceptedCorpIds);
        }
        return new LoginSession(s.corpid, s.userid, s.sessionKey, Member.emptyToNull(s.deviceid),
                Member.emptyToNull(s.openUserid));
    }

    /**
     * Reads a member ({@code user/get}). The member must be in the app's visible range.
     *
     * @param userId the member's user id
     * @return the member
     * @throws NullPointerException                       if {@code userId} is null
     * @throws IllegalArgumentException                   if {@code userId} is blank, too long or has control characters
     * @throws io.github.wecomkit.error.NoPrivilegeException the member is outside the app's visible range (60011)
     * @throws io.github.wecomkit.error.UserNotFoundException no such member (60111)
     * @throws io.github.wecomkit.error.WeComApiException  any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public Member getUser(String userId) {
        checkOpen();
        Inputs.require("userId", userId);
        return member(api.get(API_USER_GET, Resend.IDEMPOTENT, USER_READER, "userid", userId));
    }

    /** The async twin of {@link #getUser(String)}, for {@link AsyncWeComClient}. */
    CompletableFuture<Member> getUserAsync(String userId) {
        checkOpen();
        Inputs.require("userId", userId);
        return api.getAsync(API_USER_GET, Resend.IDEMPOTENT, USER_READER, WeComClient::member, "userid", userId);
    }

    private static Member member(ApiResponse.User u) {
        if (isBlank(u.userid)) {
            throw new WeComDecodeException("WeCom's answer lacks userid", API_USER_GET, null);
        }
        return new Member(u);
    }

    /**
     * Decrypts what {@code wx.qy.getEnterpriseUserInfo}, {@code wx.qy.getMobile} and {@code wx.qy.getEmail} hand
     * the mini-program, with the session key of {@link #login(String)}. No call to WeCom is made.
     *
     * <pre>{@code
     * MobileInfo mobile = client.wxQy().mobile(session, encryptedData, iv);
     * }</pre>
     *
     * @return the decryptor for the mini-program set with {@link Builder#miniProgramAppId(String)}, on this
     *     client's clock, without a maximum age ({@link WxQyData#withMaxAge(Duration)} adds one)
     * @throws IllegalStateException if the builder was given no {@code miniProgramAppId}
     */
    public WxQyData wxQy() {
        if (wxQy == null) {
            throw new IllegalStateException("wxQy() needs the mini-program's appid: call miniProgramAppId(..)"
                    + " (wx...) on WeComClient.builder()");
        }
        return wxQy;
    }

    /**
     * Mini-program notices ({@code message/send}) from this app.
     *
     * <pre>{@code
     * client.messages().send(MiniProgramNotice.builder().appId("wx0123456789abcdef").title("会议提醒")
     *         .toUsers("zhangsan").build());
     * }</pre>
     *
     * @return the message sender; cheap, thread-safe, shares this client's token and connections
     */
    public Messages messages() {
        return messages;
    }

    /**
     * Any WeCom API wecomkit does not wrap, with this client's managed token, error table and retry rules.
     *
     * @return the raw API caller; {@link #get(String, Map)} and {@link #post(String, Object)} are shortcuts
     */
    public RawApi api() {
        return raw;
    }

    /**
     * GETs any WeCom API with the managed token; see {@link RawApi#get(String, Map)}.
     *
     * @param path   the API path after {@code /cgi-bin/}, e.g. {@code department/list}
     * @param params the query parameters besides {@code access_token}; encoded by wecomkit
     * @return WeCom's JSON answer
     */
    public JsonNode get(String path, Map<String, String> params) {
        return raw.get(path, params);
    }

    /**
     * GETs any WeCom API and maps the answer onto {@code type}; see {@link RawApi#get(String, Map, Class)}.
     *
     * @param path   the API path after {@code /cgi-bin/}
     * @param params the query parameters besides {@code access_token}
     * @param type   a Jackson-mappable type; unknown fields are ignored
     * @param <T>    the result type
     * @return the answer as {@code type}
     */
    public <T> T get(String path, Map<String, String> params, Class<T> type) {
        return raw.get(path, params, type);
    }

    /**
     * POSTs JSON to any WeCom API with the managed token; never re-sent once it may have reached WeCom. See
     * {@link RawApi#post(String, Object)}.
     *
     * @param path the API path after {@code /cgi-bin/}, e.g. {@code tag/create}
     * @param body a {@code Map}, a {@code JsonNode}, JSON text, or any Jackson-serialisable object
     * @return WeCom's JSON answer
     */
    public JsonNode post(String path, Object body) {
        return raw.post(path, body);
    }

    /**
     * POSTs JSON to any WeCom API and maps the answer onto {@code type}; see
     * {@link RawApi#post(String, Object, Class)}.
     *
     * @param path the API path after {@code /cgi-bin/}
     * @param body the JSON body
     * @param type a Jackson-mappable type
     * @param <T>  the result type
     * @return the answer as {@code type}
     */
    public <T> T post(String path, Object body, Class<T> type) {
        return raw.post(path, body, type);
    }

    /**
     * The current access token, for code that must hand it to something else (a library wecomkit cannot
     * wrap). A last resort: prefer {@link #get(String, Map)} and {@link #post(String, Object)}, which also replace
     * a rejected token and map errors. See {@link RawApi#accessToken()}.
     *
     * @return the token's value; a secret: never log it, never send it to a front end
     */
    public String accessToken() {
        return raw.accessToken();
    }

    /**
     * The same calls without blocking the calling thread: each returns a {@code CompletableFuture} that completes
     * when WeCom has answered, or fails with the exception the blocking call would throw.
     *
     * <pre>{@code
     * client.async().login(code)
     *         .thenCompose(session -> client.async().getUser(session.userId()))
     *         .whenComplete((member, e) -> reply(member, e));
     * }</pre>
     *
     * @return this client's async face; it shares the token, the connections and the error table
     */
    public AsyncWeComClient async() {
        return async;
    }

    /** @return where this client's async calls run, for its toString and the docs */
    String asyncExecutorDescription() {
        return runtime.asyncExecutor().describe();
    }

    /** 40014 (invalid) and 42001 (expired): the corp token must be replaced. */
    private static boolean isTokenRejection(int errcode) {
        return errcode == WeComErrorCode.INVALID_ACCESS_TOKEN.code()
                || errcode == WeComErrorCode.ACCESS_TOKEN_EXPIRED.code();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Visible for tests: FRESH, STALE, EXPIRED or ABSENT. */
    String tokenState() {
        return tokens.state();
    }

    /**
     * What this client knows about its access token, for health checks; never calls WeCom or the store.
     *
     * @return the token's state and expiry, the last refresh failure, whether the store is degraded
     */
    public TokenStatus tokenStatus() {
        return tokens.status();
    }

    /**
     * Releases what this client holds: its pooled connections, and its background token refreshes (none starts
     * after this). A call after close fails with {@link IllegalStateException}; closing twice does nothing. The
     * token store is the caller's and stays open (close a {@code RedisTokenStore} yourself).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsRuntime) {
            runtime.close();
        } else {
            runtime.release(tokens);
        }
    }

    void checkOpen() {
        if (closed || runtime.isClosed()) {
            throw new IllegalStateException("this WeComClient is closed");
        }
    }

    /** @return the corp id, base URL and store type; never the secret or a token */
    @Override
    public String toString() {
        return description;
    }

    /**
     * Builds a {@link WeComClient}. Setters check their argument at once; {@link #build()} checks that
     * {@code corpId} and {@code secret} were given.
     *
     * <p>Null arguments: the two required options usually come from the environment, so {@code corpId(null)} and
     * {@code secret(null)} mean "not configured" and {@link #build()} reports them as missing, naming the option
     * ({@link IllegalStateException}), instead of a bare {@code NullPointerException}. Every other setter treats
     * null as a programming error and throws {@code NullPointerException("x == null")} at once. A value that is
     * present but malformed (blank, too long, control characters, a bad URL or duration) throws
     * {@link IllegalArgumentException} naming the option, never showing a secret.
     *
     * <pre>{@code
     * WeComClient.builder().corpId(corpId).secret(secret).requestTimeout(Duration.ofSeconds(5)).build();
     * }</pre>
     */
    public static final class Builder {
        private String corpId;
        private String secret;
        private boolean corpIdGivenNull;
        private boolean secretGivenNull;
        private String baseUrl = DEFAULT_BASE_URL;
        private TokenStore tokenStore;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private HttpClient httpClient;
        private Clock clock = Clock.systemUTC();
        private final Set<String> acceptedCorpIds = new LinkedHashSet<>();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration tokenRefreshAhead = DEFAULT_TOKEN_REFRESH_AHEAD;
        private Duration tokenExpiryMargin = DEFAULT_TOKEN_EXPIRY_MARGIN;
        private WeComListener listener = WeComListener.NONE;
        private Executor refreshExecutor;
        private ApiCaller.Sleeper sleeper = ApiCaller.Sleeper.THREAD_SLEEP;
        private String miniProgramAppId;
        private String proxyHost;
        private int proxyPort;
        private ProxySelector proxySelector;
        private boolean systemProxy;
        private String proxyUsername;
        private String proxyPassword;
        private SSLContext sslContext;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Executor asyncExecutor;

        private Builder() {
        }

        /**
         * @param corpId the corp id ({@code ww...}), from the admin console's "My Company" page; required. Null
         *               leaves it unset, and {@link #build()} says so.
         * @return this builder
         * @throws IllegalArgumentException if it is blank, too long or has control characters
         */
        public Builder corpId(String corpId) {
            this.corpIdGivenNull = corpId == null;
            this.corpId = corpId == null ? null : Inputs.require("corpId", corpId);
            return this;
        }

        /**
         * @param secret the secret of the mini-program's app in that corp (not another app's, not the
         *               contacts secret); required. Never logged. Null (e.g. an unset environment variable) leaves
         *               it unset, and {@link #build()} says so.
         * @return this builder
         * @throws IllegalArgumentException if it is blank, too long or has control characters (never showing it)
         */
        public Builder secret(String secret) {
            this.secretGivenNull = secret == null;
            this.secret = secret == null ? null : Inputs.require("secret", secret);
            return this;
        }

        /**
         * @param baseUrl WeCom's API origin, {@value #DEFAULT_BASE_URL} by default; tests and forward proxies
         *                change it
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            Inputs.require("baseUrl", baseUrl);
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl is not a URI: " + baseUrl, e);
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL: " + baseUrl);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not have a query or fragment: " + baseUrl);
            }
            this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
            return this;
        }

        /**
         * @param tokenStore where tokens are shared; an {@link InMemoryTokenStore} on this client's clock by default
         * @return this builder
         */
        public Builder tokenStore(TokenStore tokenStore) {
            this.tokenStore = Objects.requireNonNull(tokenStore, "tokenStore == null");
            return this;
        }

        /**
         * @param connectTimeout time to open a connection, {@code DEFAULT_CONNECT_TIMEOUT} (3 s) by default;
         *                       ignored when {@link #httpClient(HttpClient)} is given (set it on that client)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * @param requestTimeout time to wait for an answer, {@code DEFAULT_REQUEST_TIMEOUT} (10 s) by default
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /**
         * Uses the caller's own {@link HttpClient} (a proxy, custom TLS trust, an executor) instead of the default
         * transport, wecomkit's own HTTP/1.1 keep-alive client on JDK sockets, which is faster for small calls and
         * never re-sends a login code that may have reached WeCom. Over HTTP/1.1 the JDK client re-sends a GET that
         * got no response byte by itself, so with it a login code may arrive twice after a connection reset.
         *
         * @param httpClient the client to send every call with
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
            return this;
        }

        /**
         * Sends every call through the HTTP proxy at {@code host:port}: HTTPS through a {@code CONNECT} tunnel,
         * plain HTTP in absolute form. For servers whose only route to WeCom is a fixed-IP egress proxy (WeCom
         * accepts calls only from an app's trusted IPs, errcode 60020). The name is resolved, within the connect
         * timeout, for each new connection. A login code is still never sent twice.
         *
         * <pre>{@code
         * WeComClient.builder().corpId(corpId).secret(secret)
         *         .proxy("egress.corp.example", 3128)
         *         .proxyCredentials("svc-wecom", System.getenv("PROXY_PASSWORD"))
         *         .build();
         * }</pre>
         *
         * @param host the proxy's host name or IP address
         * @param port the proxy's port, 1 to 65535
         * @return this builder
         */
        public Builder proxy(String host, int port) {
            Inputs.require("proxy host", host);
            if (host.contains("/") || host.contains("@") || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("proxy host must be a host name or an IP address, not a URL");
            }
            if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
                throw new IllegalArgumentException("proxy host must not include the port: pass it as the second"
                        + " argument");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxy port must be between 1 and 65535: " + port);
            }
            this.proxyHost = host;
            this.proxyPort = port;
            return this;
        }

        /**
         * Basic credentials for the proxy, sent with each tunnel request (and each plain-HTTP request) before the
         * proxy asks. Never logged, never in a message or {@code toString()}. Needs {@link #proxy(String, int)},
         * {@link #proxySelector(ProxySelector)} or {@link #systemProxy()}.
         *
         * @param username the proxy user; must not contain {@code ':'}
         * @param password the proxy password
         * @return this builder
         */
        public Builder proxyCredentials(String username, String password) {
            Inputs.require("proxy username", username);
            if (username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("proxy username must not contain ':' (Basic authentication)");
            }
            Objects.requireNonNull(password, "proxy password == null");
            for (int i = 0; i < password.length(); i++) {
                if (Character.isISOControl(password.charAt(i))) {
                    throw new IllegalArgumentException("proxy password contains a control character at index " + i);
                }
            }
            this.proxyUsername = username;
            this.proxyPassword = password;
            return this;
        }

        /**
         * Lets {@code proxySelector} choose the proxy for each new connection, from WeCom's URL. Its first choice
         * decides: an HTTP proxy, or {@link java.net.Proxy#NO_PROXY} for a direct connection; a SOCKS proxy is
         * refused (the calls fail) rather than bypassed.
         *
         * @param proxySelector the selector
         * @return this builder
         */
        public Builder proxySelector(ProxySelector proxySelector) {
            this.proxySelector = Objects.requireNonNull(proxySelector, "proxySelector == null");
            return this;
        }

        /**
         * Uses the JVM's proxy settings, {@link ProxySelector#getDefault()}: the {@code https.proxyHost} and
         * {@code https.proxyPort} system properties for HTTPS ({@code http.proxyHost}/{@code http.proxyPort} for
         * plain HTTP), with {@code http.nonProxyHosts}. Read for each new connection. Without this option (or the
         * other proxy options) the client connects directly, whatever the system properties say.
         *
         * @return this builder
         */
        public Builder systemProxy() {
            this.systemProxy = true;
            return this;
        }

        /**
         * The TLS trust (and client keys, if any) for HTTPS, in place of the JDK's default trust store: a private
         * CA, or the CA of a TLS-intercepting corporate proxy. Hostname verification and SNI stay on; nothing in
         * wecomkit trusts every certificate.
         *
         * <pre>{@code
         * KeyStore trust = KeyStore.getInstance("PKCS12");
         * try (InputStream in = Files.newInputStream(Path.of("corp-ca.p12"))) {
         *     trust.load(in, password);
         * }
         * TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
         * tmf.init(trust);
         * SSLContext tls = SSLContext.getInstance("TLS");
         * tls.init(null, tmf.getTrustManagers(), null);
         * WeComClient.builder().corpId(corpId).secret(secret).sslContext(tls).build();
         * }</pre>
         *
         * @param sslContext an initialised context
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            Objects.requireNonNull(sslContext, "sslContext == null");
            try {
                sslContext.getSocketFactory();
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("sslContext is not initialised: call its init(..) first", e);
            }
            this.sslContext = sslContext;
            return this;
        }

        /** The proxy options chosen, in the order the builder's messages name them. */
        private ProxyConfig proxyConfig() {
            ProxyConfig config = proxyHost != null ? ProxyConfig.fixed(proxyHost, proxyPort)
                    : proxySelector != null ? ProxyConfig.selector(proxySelector)
                    : systemProxy ? ProxyConfig.system() : ProxyConfig.direct();
            return proxyUsername == null ? config : config.withCredentials(proxyUsername, proxyPassword);
        }

        private void checkTransportOptions() {
            List<String> proxies = new ArrayList<>();
            if (proxyHost != null) {
                proxies.add("proxy(..)");
            }
            if (proxySelector != null) {
                proxies.add("proxySelector(..)");
            }
            if (systemProxy) {
                proxies.add("systemProxy()");
            }
            if (proxies.size() > 1) {
                throw new IllegalStateException(String.join(" and ", proxies) + " conflict: choose one way to"
                        + " reach the proxy");
            }
            if (proxyUsername != null && proxies.isEmpty()) {
                throw new IllegalStateException("proxyCredentials(..) needs a proxy: call proxy(..), proxySelector(..)"
                        + " or systemProxy()");
            }
            if (httpClient != null) {
                List<String> ignored = new ArrayList<>(proxies);
                if (proxyUsername != null) {
                    ignored.add("proxyCredentials(..)");
                }
                if (sslContext != null) {
                    ignored.add("sslContext(..)");
                }
                if (!ignored.isEmpty()) {
                    throw new IllegalStateException("httpClient(..) conflicts with " + String.join(", ", ignored)
                            + ": they configure the default transport; set them on your HttpClient instead");
                }
            }
        }

        /**
         * @param clock the clock that decides when a token is fresh, stale or expired; tests pass a fake one
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Corps, besides {@link #corpId(String)}, whose members {@link WeComClient#login(String)} accepts. With one
         * mini-program bound to several corps, any other corp gives a {@link CorpMismatchException}.
         *
         * @param corpIds corp ids
         * @return this builder
         */
        public Builder acceptedCorpIds(String... corpIds) {
            Objects.requireNonNull(corpIds, "corpIds == null");
            return acceptedCorpIds(Arrays.asList(corpIds));
        }

        /**
         * @param corpIds corp ids, besides {@link #corpId(String)}, whose members login accepts
         * @return this builder
         */
        public Builder acceptedCorpIds(Collection<String> corpIds) {
            Objects.requireNonNull(corpIds, "corpIds == null");
            for (String id : corpIds) {
                acceptedCorpIds.add(Inputs.require("corpIds element", id));
            }
            return this;
        }

        /**
         * @param retryPolicy when to retry; {@link RetryPolicy#defaults()} unless given
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy == null");
            return this;
        }

        /**
         * @param refreshAhead how long before a token turns expired the background refresh starts, 5 min by
         *                     default; at most a quarter of the token's lifetime is used
         * @return this builder
         */
        public Builder tokenRefreshAhead(Duration refreshAhead) {
            this.tokenRefreshAhead = nonNegative("tokenRefreshAhead", refreshAhead);
            return this;
        }

        /**
         * @param expiryMargin how long before WeCom's stated end a token stops being used, 1 min by default; at
         *                     most a tenth of the token's lifetime is used
         * @return this builder
         */
        public Builder tokenExpiryMargin(Duration expiryMargin) {
            this.tokenExpiryMargin = nonNegative("tokenExpiryMargin", expiryMargin);
            return this;
        }

        /**
         * @param listener sees every API attempt, retry, token refresh, lease wait and store outage (for metrics);
         *                 none by default
         * @return this builder
         */
        public Builder listener(WeComListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener == null");
            return this;
        }

        /**
         * @param executor where background token refreshes run; by default a small shared pool of daemon threads
         * @return this builder
         */
        public Builder refreshExecutor(Executor executor) {
            this.refreshExecutor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /**
         * @param appId the mini-program's appid ({@code wx...}, not the corp id), which {@link WeComClient#wxQy()}
         *              requires in the watermark of every decrypted payload; optional
         * @return this builder
         */
        public Builder miniProgramAppId(String appId) {
            WxQyData.builder().appId(appId); // the same check, at once
            this.miniProgramAppId = appId;
            return this;
        }

        /**
         * The most requests this client has in flight at once, token fetches included; a caller beyond it waits
         * for a free connection (in arrival order, at most its request timeout), so the client never opens more
         * than this many sockets however many threads call it.
         *
         * @param maxConnections 1 to 4096; {@value #DEFAULT_MAX_CONNECTIONS} by default, as many as the default
         *                       transport keeps idle (a higher limit opens extra connections that are closed after
         *                       use)
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
                throw new IllegalArgumentException("maxConnections must be between 1 and " + MAX_CONNECTIONS_LIMIT);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Where the HTTP part of {@link WeComClient#async()} calls runs. By default: one virtual thread per call
         * where the JDK has virtual threads (21+); on JDK 17 a pool of {@code maxConnections} threads with a queue
         * of 16 calls per thread, a call beyond it failing at once with
         * {@link io.github.wecomkit.error.ClientBusyException}. A given executor is never shut down by the client.
         *
         * @param executor runs each call's request and response handling; a rejection fails that call with
         *                 {@code ClientBusyException}
         * @return this builder
         */
        public Builder asyncExecutor(Executor executor) {
            this.asyncExecutor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /** Visible for tests: records retry waits instead of sleeping. */
        Builder sleeper(ApiCaller.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
            return this;
        }

        /**
         * @return the client
         * @throws IllegalStateException naming the missing option (never set, or set to null), or the options
         *                               that conflict
         */
        public WeComClient build() {
            if (corpId == null) {
                throw new IllegalStateException(missing("corpId", corpIdGivenNull, "WECOM_CORP_ID",
                        "the corp's id (ww...) from the admin console's My Company page"));
            }
            if (secret == null) {
                throw new IllegalStateException(missing("secret", secretGivenNull, "WECOM_SECRET",
                        "the secret of the mini-program's app (admin console: App Management, the app, Secret)"));
            }
            Set<String> accepted = new LinkedHashSet<>();
            accepted.add(corpId);
            accepted.addAll(acceptedCorpIds);
            return new WeComClient(runtime(), true, corpId, accepted, tokenKey(corpId, secret),
                    gettoken(corpId, secret, clock));
        }

        /** The runtime for a registry of corps: this builder's settings, no corp of its own. */
        private ClientRuntime sharedRuntime() {
            if (corpId != null || secret != null || !acceptedCorpIds.isEmpty()) {
                throw new IllegalStateException("settings for several corps must not name a corp: leave corpId,"
                        + " secret and acceptedCorpIds unset and add each corp with its own secret");
            }
            return runtime();
        }

        /** One transport (one connection pool), store, executor, listener and clock for the clients it serves. */
        private ClientRuntime runtime() {
            checkTransportOptions();
            if (tokenStore == null) {
                tokenStore = new InMemoryTokenStore(clock);
            }
            if (refreshExecutor == null) {
                refreshExecutor = SharedRefreshExecutor.INSTANCE;
            }
            HttpTransport transport = new LimitingTransport(httpClient != null
                    ? new JdkHttpClientTransport(httpClient)
                    : new SocketTransport(baseUrl, connectTimeout, proxyConfig(), sslContext), maxConnections);
            return new ClientRuntime(new ClientRuntime.Settings(baseUrl, transport, connectTimeout,
                    requestTimeout, retryPolicy, sleeper, Events.of(listener), clock, refreshExecutor, tokenStore,
                    tokenRefreshAhead, tokenExpiryMargin, miniProgramAppId),
                    AsyncExecutor.of(asyncExecutor, maxConnections));
        }

        private static String missing(String option, boolean givenNull, String exampleVariable, String what) {
            return option + " is required" + (givenNull
                    ? ", but " + option + "(null) was called: is the variable it is read from set (e.g. "
                            + exampleVariable + ")? It is " + what
                    : ": call " + option + "(..) with " + what);
        }

        private static Duration positive(String name, Duration value) {
            Objects.requireNonNull(value, name + " == null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }

        private static Duration nonNegative(String name, Duration value) {
            Objects.requireNonNull(value, name + " == null");
            if (value.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }

    /** Background refreshes are rare (one per token lifetime per app): a few daemon threads serve every client. */
    private static final class SharedRefreshExecutor {
        static final ExecutorService INSTANCE;

        static {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "wecomkit-token-refresh-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            INSTANCE = pool;
        }

        private SharedRefreshExecutor() {
        }
    }
}
