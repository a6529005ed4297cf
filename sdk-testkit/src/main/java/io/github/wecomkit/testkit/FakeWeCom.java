package io.github.wecomkit.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wecomkit.callback.WeComCallback;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An embeddable fake WeCom server for tests and demos, on the JDK's own HTTP server (nothing else on the
 * classpath). It serves {@code gettoken}, {@code miniprogram/jscode2session}, {@code user/get} and
 * {@code message/send} on a free loopback port and behaves as WeCom does: a repeated {@code gettoken} within a
 * token's validity answers the same token with its validity restarted (switchable, {@link TokenBehaviour}), tokens
 * that expire on the fake's clock (42001) or are revoked (40014), wrong secrets (40001), unknown corps (40013),
 * single-use login codes that expire after five minutes (40029), members outside the app's visible range (60011)
 * or unknown (60111), a {@code gettoken} frequency limit (45009), and error bodies and headers shaped like WeCom's.
 * Several corps bound to one mini-program each have their own secrets: a member's code exchanged with another
 * corp's token answers the member's corp (and an encrypted userid if that corp has not associated the
 * mini-program), and a look-up across corps fails ({@link CrossCorpLookup}). {@code user/get} leaves out the
 * fields WeCom withholds from apps created after 2022-06-20 ({@link FakeApp#createdBeforePrivacyChange(boolean)}).
 * {@code message/send} checks mini-program notices as WeCom does, drops duplicates within the duplicate check's
 * interval and records what it delivered ({@link #sentNotices()}). It can also send signed, encrypted callbacks to
 * a backend's callback URL ({@link #callbackSender}), hand out the encrypted {@code wx.qy.*} payloads of the
 * sessions it issued ({@link #wxQy(String)}), and serve a service provider's endpoints (suite tokens,
 * installations, corp tokens, the provider login) for a suite added with {@link #addSuite}, which pushes the
 * suite's commands to its command URL ({@link FakeSuite}).
 *
 * <pre>{@code
 * try (FakeWeCom wecom = FakeWeCom.start()) {
 *     wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
 *     WeComClient client = WeComClient.builder().corpId("wwcorp").secret("secret")
 *             .baseUrl(wecom.baseUrl()).clock(wecom.clock()).build();
 *     LoginSession session = client.login(wecom.issueCode("wwcorp", "zhangsan"));
 * }
 * }</pre>
 *
 * <p>Keep-alive speed: the JDK server delays small responses on a kept-alive connection (about 40 ms each)
 * unless the system property {@code sun.net.httpserver.nodelay} is {@code true}. This class sets it, and raises
 * {@code sun.net.httpserver.maxIdleConnections}, when it loads, but only if they are unset, and the JDK reads them
 * once, when its first server starts: if an {@code HttpServer} ran in this JVM before, pass
 * {@code -Dsun.net.httpserver.nodelay=true} on the command line (e.g. in surefire's {@code argLine}) instead.
 *
 * <p>Thread-safe. State changes (corps, members, faults, the clock) take effect for the next request.
 */
public final class FakeWeCom implements AutoCloseable {
    /** How long a login code lives, as in WeCom. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(5);
    /** Default token lifetime, WeCom's usual {@code expires_in}. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(7200);
    /**
     * Default {@code gettoken} calls allowed per corp in any minute of the fake clock. WeCom documents no number;
     * this one is far above what a client with a token cache needs, even a test class that builds a fresh
     * client per test, and a client that fetches a token per request trips it within one test.
     */
    public static final int DEFAULT_GETTOKEN_LIMIT_PER_MINUTE = 200;

    private static final String NODELAY = "sun.net.httpserver.nodelay";
    private static final String MAX_IDLE = "sun.net.httpserver.maxIdleConnections";

    static {
        // Effective only before the JDK's server configuration class loads (the first HttpServer of the JVM).
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        if (System.getProperty(MAX_IDLE) == null) {
            System.setProperty(MAX_IDLE, "1000");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger SERVER_NUMBER = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final FakeClock clock;
    final Duration tokenLifetime;
    final TokenBehaviour tokenBehaviour;
    private final int gettokenLimitPerMinute;
    private final CrossCorpLookup crossCorpLookup;
    private final FakeMessages messages;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final Map<String, FakeCorp> corps = new ConcurrentHashMap<>();
    private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
    /** The token gettoken last issued per app (by secret), for the "same token within validity" rule. */
    private final Map<FakeApp, IssuedToken> currentTokens = new ConcurrentHashMap<>();
    private final Map<String, IssuedCode> codes = new ConcurrentHashMap<>();
    private final IssuedSessions sessions = new IssuedSessions();
    private final Map<String, Deque<Instant>> gettokenTimes = new HashMap<>();
    private final Map<FakeApi, AtomicInteger> calls = new EnumMap<>(FakeApi.class);
    private final Map<FakeApi, Deque<Fault>> faults = new EnumMap<>(FakeApi.class);
    private final AtomicLong nextTokenSerial = new AtomicLong(1);
    /** The provider (服务商) endpoints: suites, their tickets, installations, corp and provider tokens. */
    private final FakeProvider provider = new FakeProvider(this);

    private FakeWeCom(Builder b) {
        this.clock = new FakeClock(b.clock);
        this.tokenLifetime = b.tokenLifetime;
        this.tokenBehaviour = b.tokenBehaviour;
        this.gettokenLimitPerMinute = b.gettokenLimitPerMinute;
        this.crossCorpLookup = b.crossCorpLookup;
        this.messages = new FakeMessages(clock);
        for (FakeApi api : FakeApi.values()) {
            calls.put(api, new AtomicInteger());
            faults.put(api, new ArrayDeque<>());
        }
        int number = SERVER_NUMBER.incrementAndGet();
        AtomicInteger threadNumber = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "fake-wecom-" + number + "-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // A pool, not one thread: a scripted delay on one call must not hold up the others.
        this.executor = Executors.newCachedThreadPool(threads);
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), b.port), 128);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start FakeWeCom on 127.0.0.1:" + b.port, e);
        }
        for (FakeApi api : FakeApi.values()) {
            server.createContext(api.path(), exchange -> handle(api, exchange));
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                WeComReplies.sendRaw(exchange, 404, "text/plain; charset=UTF-8",
                        "FakeWeCom does not serve " + exchange.getRequestURI().getPath());
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts a fake on a free loopback port with the defaults: the system clock, tokens living
     * {@link #DEFAULT_TOKEN_LIFETIME}, {@link #DEFAULT_GETTOKEN_LIMIT_PER_MINUTE}.
     *
     * @return the running fake; close it when done
     */
    public static FakeWeCom start() {
        return builder().start();
    }

    /** @return a builder for a fake with its own clock, token lifetime or limits */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the base URL to give a client, e.g. {@code http://127.0.0.1:54321} (no trailing slash) */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** @return the port the fake listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    // ---- corps, members, codes ------------------------------------------------------------------------

    /**
     * Adds a corp with one app (a mini-program's app) for the given secret.
     *
     * @param corpId the corp id, e.g. {@code ww1234567890abcdef}
     * @param secret the app's secret
     * @return the corp, to add members and apps to
     * @throws IllegalArgumentException if the corp id is blank or the fake has that corp already
     */
    public FakeCorp addCorp(String corpId, String secret) {
        Objects.requireNonNull(corpId, "corpId == null");
        Objects.requireNonNull(secret, "secret == null");
        if (corpId.isBlank() || secret.isBlank()) {
            throw new IllegalArgumentException("corpId and secret must not be blank");
        }
        FakeCorp corp = new FakeCorp(corpId);
        if (corps.putIfAbsent(corpId, corp) != null) {
            throw new IllegalArgumentException("FakeWeCom has corp " + corpId + " already");
        }
        corp.addApp(secret);
        return corp;
    }

    /**
     * Looks a corp up.
     *
     * @param corpId the corp id
     * @return the corp
     * @throws IllegalArgumentException if the fake has no such corp
     */
    public FakeCorp corp(String corpId) {
        Objects.requireNonNull(corpId, "corpId == null");
        FakeCorp corp = corps.get(corpId);
        if (corp == null) {
            throw new IllegalArgumentException("FakeWeCom has no corp " + corpId + "; add it with addCorp");
        }
        return corp;
    }

    /**
     * Issues a login code, as {@code wx.qy.login} returns one in a member's mini-program. The code is
     * single-use and expires {@link #CODE_LIFETIME} after now on the fake's clock. Any corp's mini-program token
     * may exchange it and learns the member's corp (a mini-program bound to several corps).
     *
     * @param corpId the member's corp
     * @param userId the member's userid
     * @return the code
     * @throws IllegalArgumentException if the corp or the member does not exist
     */
    public String issueCode(String corpId, String userId) {
        FakeCorp corp = corp(corpId);
        FakeMember member = corp.member(userId).orElseThrow(() -> new IllegalArgumentException(
                "corp " + corpId + " has no member " + userId + "; add it with addMember"));
        String code = randomToken(24);
        codes.put(code, new IssuedCode(corp.corpId(), member.userId(), clock.instant()));
        return code;
    }

    /**
     * The encrypted {@code wx.qy.*} payloads of a session this fake's {@code jscode2session} issued, for the member
     * who logged in, with the fake's clock for the watermark.
     *
     * <pre>{@code
     * LoginSession session = client.login(wecom.issueCode("wwcorp", "zhangsan"));
     * FakeWxQy.EncryptedPayload p = wecom.wxQy(session.sessionKey()).email("wx0123456789abcdef");
     * }</pre>
     *
     * @param sessionKey {@code LoginSession.sessionKey()} of that login
     * @return the payload source for that member, with the member's current fields
     * @throws IllegalArgumentException if this fake did not issue the key among its last 10,000 sessions, or the
     *                                  member was removed since
     */
    public FakeWxQy wxQy(String sessionKey) {
        Objects.requireNonNull(sessionKey, "sessionKey == null");
        IssuedCode session = sessions.get(sessionKey);
        if (session == null) {
            throw new IllegalArgumentException("FakeWeCom issued no session with this key among its last "
                    + IssuedSessions.MAX + "; pass LoginSession.sessionKey() of a login on this fake");
        }
        FakeMember member = corp(session.corpId).member(session.userId).orElseThrow(() ->
                new IllegalArgumentException("member " + session.userId + " was removed from " + session.corpId));
        return FakeWxQy.of(sessionKey, session.corpId, member, clock);
    }

    // ---- clock and tokens -----------------------------------------------------------------------------

    /** @return the fake's clock; give it to the client under test so both agree on token expiry */
    public Clock clock() {
        return clock;
    }

    /**
     * Moves the fake's clock forward: tokens and codes age, the {@code gettoken} minute window slides. The
     * clock given by {@link #clock()} moves with it, so a client built with it sees the same time.
     *
     * @param duration how far, not negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration == null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration is negative: " + duration);
        }
        clock.offset.accumulateAndGet(duration, Duration::plus);
    }

    /**
     * Revokes every token issued for a corp, as WeCom may do before {@code expires_in} ends: they then get
     * 40014. Later {@code gettoken} calls issue new tokens.
     *
     * @param corpId the corp
     * @return how many live tokens were revoked
     */
    public int revokeTokens(String corpId) {
        Objects.requireNonNull(corpId, "corpId == null");
        int[] revoked = {0};
        tokens.values().removeIf(t -> {
            boolean match = t.app.corp().corpId().equals(corpId);
            if (match && clock.instant().isBefore(t.expiresAt)) {
                revoked[0]++;
            }
            return match;
        });
        return revoked[0];
    }

    /**
     * Revokes one token: it then gets 40014.
     *
     * @param accessToken the token value
     * @return whether the fake knew the token
     */
    public boolean revokeToken(String accessToken) {
        Objects.requireNonNull(accessToken, "accessToken == null");
        return tokens.remove(accessToken) != null;
    }

    /**
     * The tokens currently valid for a corp, newest last: a test can check which one a client uses.
     *
     * @param corpId the corp
     * @return the live token values, unmodifiable
     */
    public List<String> liveTokens(String corpId) {
        Instant now = clock.instant();
        List<IssuedToken> live = new ArrayList<>();
        for (IssuedToken t : tokens.values()) {
            if (t.app.corp().corpId().equals(corpId) && now.isBefore(t.expiresAt)) {
                live.add(t);
            }
        }
        live.sort((x, y) -> Long.compare(x.serial, y.serial));
        List<String> values = new ArrayList<>();
        for (IssuedToken t : live) {
            values.add(t.value);
        }
        return List.copyOf(values);
    }

    // ---- counters and faults --------------------------------------------------------------------------

    /**
     * Counts calls that reached an API, faulted or not, since the start or the last {@link #resetCalls()}.
     *
     * @param api the API
     * @return the count
     */
    public int calls(FakeApi api) {
        return calls.get(Objects.requireNonNull(api, "api == null")).get();
    }

    /** Sets every call counter back to zero. */
    public void resetCalls() {
        synchronized (calls) {
            calls.values().forEach(c -> c.set(0));
        }
    }

    /**
     * Waits until an API has been called at least {@code count} times: a test of background work (a token
     * refresh ahead of expiry) waits for the call instead of sleeping.
     *
     * @param api     the API
     * @param count   the count to reach
     * @param timeout how long to wait at most
     * @return whether the count was reached in time
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitCalls(FakeApi api, int count, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(api, "api == null");
        Objects.requireNonNull(timeout, "timeout == null");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (calls) {
            while (calls.get(api).get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
            return true;
        }
    }

    /**
     * Scripts the next calls of an API to fail with a WeCom errcode (e.g. -1 busy, 45009, 60020). A scripted
     * failure happens before the call's own work: a failed {@code jscode2session} does not use up its code.
     *
     * @param api     the API
     * @param times   how many calls, at least 1
     * @param errcode the errcode to answer
     */
    public void failNext(FakeApi api, int times, int errcode) {
        script(api, times, new Fault(errcode, null, 0, null, Drop.NO));
    }

    /**
     * Scripts the next calls of an API to be answered only after a delay, then normally. The server thread
     * waits, not the caller: use it to drive a client's request timeout.
     *
     * @param api   the API
     * @param times how many calls, at least 1
     * @param delay how long the server waits before answering
     */
    public void delayNext(FakeApi api, int times, Duration delay) {
        Objects.requireNonNull(delay, "delay == null");
        script(api, times, new Fault(0, delay, 0, null, Drop.NO));
    }

    /**
     * Scripts the next calls of an API to get a raw HTTP answer, e.g. a 502 page from a proxy, which is not
     * WeCom JSON.
     *
     * @param api        the API
     * @param times      how many calls, at least 1
     * @param httpStatus the HTTP status
     * @param body       the body, sent as text/html
     */
    public void respondNext(FakeApi api, int times, int httpStatus, String body) {
        Objects.requireNonNull(body, "body == null");
        script(api, times, new Fault(0, null, httpStatus, body, Drop.NO));
    }

    /**
     * Scripts the next calls of an API to have their connection closed without an answer, after the request was
     * read and before it is processed: nothing happens (a code is not used, a message not sent), but the caller
     * cannot know that.
     *
     * @param api   the API
     * @param times how many calls, at least 1
     */
    public void dropNext(FakeApi api, int times) {
        script(api, times, new Fault(0, null, 0, null, Drop.BEFORE_PROCESSING));
    }

    /**
     * Scripts the next calls of an API to be processed in full (a message delivered, a code used) and then
     * have their connection closed without an answer: the answer was lost on the way back. A client that sends
     * such a call again sends it twice; a test can prove it does not.
     *
     * @param api   the API
     * @param times how many calls, at least 1
     */
    public void dropAfterProcessingNext(FakeApi api, int times) {
        script(api, times, new Fault(0, null, 0, null, Drop.AFTER_PROCESSING));
    }

    /**
     * Puts the fake back to how it started, as if it were new: no corps (so no apps, members or hidden members),
     * no login codes or sessions, no tokens, no scripted faults, every call counter at zero, the clock back at its
     * base (what {@link #advance(Duration)} added is gone), no sent messages, an empty {@code gettoken} window, no
     * suites or provider credentials. What stays is what a client holds on to: the port and {@link #baseUrl()}, the
     * {@link #clock()} object (it reads the base time again) and the builder's settings. A client built before the
     * reset keeps working once its corp is added again: its token is unknown to the fake by then, so its next
     * call gets 40014 and it fetches a new token by itself. {@code FakeCorp}, {@code FakeApp} and
     * {@code FakeSuite} objects from before the reset belong to the old world.
     *
     * <p>{@link WeComTest @WeComTest} calls this before every test. For whoever adds state to the fake: clear it
     * here; {@code FakeWeComResetTest} lists the fake's fields and fails on one it does not know.
     */
    public void reset() {
        synchronized (faults) {
            faults.values().forEach(Deque::clear);
        }
        corps.clear();
        tokens.clear();
        currentTokens.clear();
        codes.clear();
        sessions.clear();
        synchronized (gettokenTimes) {
            gettokenTimes.clear();
        }
        messages.reset();
        provider.reset();
        clock.offset.set(Duration.ZERO);
        synchronized (calls) {
            calls.values().forEach(c -> c.set(0));
            calls.notifyAll();
        }
    }

    /** Removes every scripted fault not yet used. */
    public void clearFaults() {
        synchronized (faults) {
            faults.values().forEach(Deque::clear);
        }
    }

    /**
     * A sender of WeCom callbacks to a URL, signed and encrypted with the Token and EncodingAESKey configured for
     * that URL, for a corp of this fake (its first app's agent id goes into the envelope). Timestamps come from
     * the fake's clock; answers are awaited up to five seconds, WeCom's own limit for events.
     *
     * @param url            the backend's callback URL, e.g. {@code http://127.0.0.1:8080/wecom/callback}
     * @param token          the callback Token (letters and digits, up to 32)
     * @param encodingAesKey the 43-character EncodingAESKey
     * @param corpId         a corp of this fake, written as the receive id of every message
     * @return the sender
     * @throws IllegalArgumentException if the corp is unknown, or the Token or key are malformed
     */
    public CallbackSender callbackSender(String url, String token, String encodingAesKey, String corpId) {
        Objects.requireNonNull(url, "url == null");
        FakeCorp corp = corp(corpId);
        URI uri = URI.create(url);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be absolute: " + url);
        }
        WeComCallback crypto = WeComCallback.builder().token(token).encodingAesKey(encodingAesKey)
                .receiveIds(corp.corpId()).clock(clock).build();
        return new CallbackSender(uri, crypto, corp.corpId(), corp.app().agentId(), clock, Duration.ofSeconds(5));
    }

    // ---- service providers (服务商) -----------------------------------------------------------------------

    /**
     * Adds a provider's suite: a third-party app ({@code ww…}/{@code wx…}) or, for an id starting with {@code dk},
     * a 代开发 template, whose customised apps take their tokens from {@code gettoken} with the permanent code as
     * the secret. See {@link FakeSuite} for tickets, installs and the commands it pushes.
     *
     * @param suiteId     the suite id
     * @param suiteSecret the suite secret
     * @return the suite
     * @throws IllegalArgumentException if the id or secret is blank, or the fake has that suite already
     */
    public FakeSuite addSuite(String suiteId, String suiteSecret) {
        return provider.addSuite(suiteId, suiteSecret);
    }

    /**
     * @param suiteId a suite added with {@link #addSuite}
     * @return the suite
     * @throws IllegalArgumentException if the fake has no such suite
     */
    public FakeSuite suite(String suiteId) {
        return provider.suite(suiteId);
    }

    /**
     * Sets the provider's own credentials for {@code service/get_provider_token}.
     *
     * @param providerCorpId the provider's corp id
     * @param providerSecret the provider secret
     */
    public void provider(String providerCorpId, String providerSecret) {
        provider.credentials(providerCorpId, providerSecret);
    }

    /**
     * @param providerCorpId the provider's corp id, as set with {@link #provider(String, String)}
     * @return the provider tokens currently valid
     */
    public List<String> liveProviderTokens(String providerCorpId) {
        return provider.providerTokens().live(providerCorpId);
    }

    /** Takes a login code (single use): the code, or {@code null} if unknown or used. */
    IssuedCode takeCode(String jsCode) {
        return codes.remove(jsCode);
    }

    /** Revokes every token of one app (its authorisation was cancelled): they get 40014. */
    void revokeTokens(FakeApp app) {
        tokens.values().removeIf(t -> t.app == app);
    }

    /** @return the JSON bodies {@code message/send} delivered (of every type), oldest first, unmodifiable */
    public List<String> sentMessages() {
        return messages.sentJson();
    }

    /**
     * The mini-program notices {@code message/send} delivered, oldest first: a duplicate dropped by WeCom's
     * duplicate check, or a notice refused with an errcode, is not among them.
     *
     * @return the notices, parsed; unmodifiable
     */
    public List<SentNotice> sentNotices() {
        return messages.sentNotices();
    }

    /**
     * The userid {@code jscode2session} answers for a member of a corp that has not associated the mini-program
     * (no app of that corp is a mini-program's app): an opaque value, the same for the same member, unlike any
     * plain userid. How WeCom encrypts it is not documented.
     *
     * @param corpId the member's corp
     * @param userId the member's plain userid
     * @return the encrypted userid
     */
    public String encryptedUserId(String corpId, String userId) {
        Objects.requireNonNull(corpId, "corpId == null");
        Objects.requireNonNull(userId, "userId == null");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("fake-wecom:" + corpId + ":" + FakeApp.key(userId)).getBytes(StandardCharsets.UTF_8));
            return "wo" + HexFormat.of().formatHex(digest, 0, 15);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and its threads; a delayed answer in progress is abandoned. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "FakeWeCom{" + baseUrl() + ", corps=" + corps.keySet() + "}";
    }

    // ---- request handling -----------------------------------------------------------------------------

    private void script(FakeApi api, int times, Fault fault) {
        Objects.requireNonNull(api, "api == null");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        fault.remaining = times;
        synchronized (faults) {
            faults.get(api).addLast(fault);
        }
    }

    private Fault takeFault(FakeApi api) {
        synchronized (faults) {
            Fault head = faults.get(api).peekFirst();
            if (head == null) {
                return null;
            }
            if (--head.remaining == 0) {
                faults.get(api).removeFirst();
            }
            return head;
        }
    }

    private void handle(FakeApi api, HttpExchange exchange) {
        try {
            serve(api, exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() during a scripted delay
        } catch (IOException e) {
            // The client went away (e.g. it timed out during a scripted delay); nothing to answer.
        } catch (RuntimeException e) {
            // A defect of the fake itself: say so loudly rather than look like a network failure.
            try {
                WeComReplies.sendRaw(exchange, 500, "text/plain; charset=UTF-8", "FakeWeCom failed: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the answer had started already, or the client is gone
            }
        } finally {
            exchange.close(); // without response headers this closes the connection: what dropNext relies on
        }
    }

    private void serve(FakeApi api, HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        synchronized (calls) {
            calls.get(api).incrementAndGet();
            calls.notifyAll();
        }
        Fault fault = takeFault(api);
        if (fault != null && fault.drop != Drop.AFTER_PROCESSING) {
            if (fault.drop == Drop.BEFORE_PROCESSING) {
                return;
            }
            if (fault.httpStatus != 0) {
                WeComReplies.sendRaw(exchange, fault.httpStatus, "text/html; charset=UTF-8", fault.body);
                return;
            }
            if (fault.errcode != 0) {
                WeComReplies.sendJson(exchange, error(exchange, fault.errcode));
                return;
            }
            Thread.sleep(fault.delay.toMillis());
        }
        Map<String, String> query = query(exchange);
        Map<String, Object> answer;
        switch (api) {
            case GET_TOKEN:
                answer = getToken(exchange, query);
                break;
            case JSCODE2SESSION:
                answer = jscode2session(exchange, query);
                break;
            case USER_GET:
                answer = userGet(exchange, query);
                break;
            case MESSAGE_SEND:
                answer = messageSend(exchange, query, body);
                break;
            default:
                answer = provider.serve(api, exchange, query, body);
                break;
        }
        if (fault != null && fault.drop == Drop.AFTER_PROCESSING) {
            return; // done, and the answer lost: handle() closes the connection unanswered
        }
        WeComReplies.sendJson(exchange, answer);
    }

    private Map<String, Object> getToken(HttpExchange exchange, Map<String, String> query) {
        String corpId = query.get("corpid");
        String secret = query.get("corpsecret");
        if (corpId == null || corpId.isEmpty()) {
            return error(exchange, 41002);
        }
        if (secret == null || secret.isEmpty()) {
            return error(exchange, 41004);
        }
        FakeCorp corp = corps.get(corpId);
        if (corp == null) {
            return error(exchange, 40013);
        }
        if (!withinGettokenLimit(corpId)) {
            return error(exchange, 45009);
        }
        Optional<FakeApp> app = corp.appBySecret(secret);
        if (app.isEmpty()) {
            boolean otherCorps = corps.values().stream()
                    .anyMatch(c -> c != corp && c.appBySecret(secret).isPresent());
            return error(exchange, otherCorps ? 40091 : 40001);
        }
        IssuedToken token = issueToken(app.get());
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("access_token", token.value);
        answer.put("expires_in", tokenLifetime.toSeconds());
        return answer;
    }

    /**
     * WeCom's rule: within a token's validity gettoken answers the same token and restarts its validity; after
     * its expiry (or a revocation) a new one. With {@link TokenBehaviour#NEW_EVERY_CALL}, always a new one.
     */
    IssuedToken issueToken(FakeApp app) {
        synchronized (currentTokens) {
            Instant now = clock.instant();
            IssuedToken current = currentTokens.get(app);
            if (tokenBehaviour == TokenBehaviour.SAME_WITHIN_VALIDITY && current != null
                    && tokens.get(current.value) == current && now.isBefore(current.expiresAt)) {
                current.expiresAt = now.plus(tokenLifetime);
                return current;
            }
            IssuedToken token = new IssuedToken(randomToken(48), app, now.plus(tokenLifetime),
                    nextTokenSerial.getAndIncrement());
            tokens.put(token.value, token);
            currentTokens.put(app, token);
            return token;
        }
    }

    private boolean withinGettokenLimit(String corpId) {
        Instant now = clock.instant();
        synchronized (gettokenTimes) {
            Deque<Instant> times = gettokenTimes.computeIfAbsent(corpId, k -> new ArrayDeque<>());
            while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(Duration.ofMinutes(1)))) {
                times.removeFirst();
            }
            // Every attempt counts, refused ones too: a client hammering a blocked API stays blocked.
            times.addLast(now);
            return times.size() <= gettokenLimitPerMinute;
        }
    }

    private Map<String, Object> jscode2session(HttpExchange exchange, Map<String, String> query) {
        Object checked = checkToken(exchange, query);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        IssuedToken token = (IssuedToken) checked;
        if (!token.app.isMiniProgram()) {
            return error(exchange, 40014); // WeCom's answer to a token of an app with no mini-program
        }
        String jsCode = query.get("js_code");
        if (jsCode == null || jsCode.isEmpty()) {
            return error(exchange, 41008);
        }
        if (!"authorization_code".equals(query.get("grant_type"))) {
            return error(exchange, 40058);
        }
        IssuedCode code = codes.remove(jsCode); // single use: a second exchange finds nothing
        if (code == null || !clock.instant().isBefore(code.issuedAt.plus(CODE_LIFETIME))) {
            return error(exchange, 40029);
        }
        byte[] sessionKey = new byte[16];
        RANDOM.nextBytes(sessionKey);
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("corpid", code.corpId);
        // The member's corp, whichever corp's token exchanged the code; the userid is encrypted when that corp
        // has not associated the mini-program.
        FakeCorp memberCorp = corps.get(code.corpId);
        boolean associated = memberCorp != null && memberCorp.associatesMiniProgram();
        answer.put("userid", associated ? code.userId : encryptedUserId(code.corpId, code.userId));
        String sessionKeyText = Base64.getEncoder().encodeToString(sessionKey);
        answer.put("session_key", sessionKeyText);
        sessions.put(sessionKeyText, code); // for wxQy(sessionKey)
        return answer;
    }

    private Map<String, Object> userGet(HttpExchange exchange, Map<String, String> query) {
        Object checked = checkToken(exchange, query);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        IssuedToken token = (IssuedToken) checked;
        String userId = query.get("userid");
        if (userId == null || userId.isEmpty() || userId.getBytes(StandardCharsets.UTF_8).length > 64) {
            return error(exchange, 40003);
        }
        Optional<FakeMember> member = token.app.corp().member(userId);
        if (member.isEmpty()) {
            boolean elsewhere = corps.values().stream()
                    .anyMatch(c -> c != token.app.corp() && c.member(userId).isPresent());
            return error(exchange, elsewhere && crossCorpLookup == CrossCorpLookup.NOT_ALLOWED ? 92002 : 60111);
        }
        if (!token.app.canSee(userId)) {
            return error(exchange, 60011);
        }
        Map<String, Object> answer = WeComReplies.ok();
        answer.putAll(member.get().toUserGetFields(!token.app.isCreatedBeforePrivacyChange()));
        if (token.app.isThirdParty()) {
            answer.put("name", member.get().userId()); // WeCom gives third-party apps the userid, not the name
        }
        return answer;
    }

    private Map<String, Object> messageSend(HttpExchange exchange, Map<String, String> query, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(exchange, 40058);
        }
        Object checked = checkToken(exchange, query);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        return messages.send(((IssuedToken) checked).app, true, body, code -> error(exchange, code));
    }

    /** @return the live token, or the error body to answer */
    private Object checkToken(HttpExchange exchange, Map<String, String> query) {
        String value = query.get("access_token");
        if (value == null || value.isEmpty()) {
            return error(exchange, 41001);
        }
        IssuedToken token = tokens.get(value);
        if (token == null) {
            return error(exchange, 40014);
        }
        if (!clock.instant().isBefore(token.expiresAt)) {
            return error(exchange, 42001);
        }
        return token;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> errorMap(Object checked) {
        return (Map<String, Object>) checked;
    }

    Map<String, Object> error(HttpExchange exchange, int errcode) {
        return WeComReplies.error(errcode, exchange.getRemoteAddress().getAddress().getHostAddress(), clock.instant());
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static final class IssuedToken {
        final String value;
        final FakeApp app;
        volatile Instant expiresAt;
        final long serial;

        IssuedToken(String value, FakeApp app, Instant expiresAt, long serial) {
            this.value = value;
            this.app = app;
            this.expiresAt = expiresAt;
            this.serial = serial;
        }
    }

    static final class IssuedCode {
        final String corpId;
        final String userId;
        final Instant issuedAt;

        IssuedCode(String corpId, String userId, Instant issuedAt) {
            this.corpId = corpId;
            this.userId = userId;
            this.issuedAt = issuedAt;
        }
    }

    /** The most recent sessions by key: enough for any test, bounded for a long demo or a load run. */
    private static final class IssuedSessions {
        static final int MAX = 10_000;
        private final Map<String, IssuedCode> byKey = new LinkedHashMap<>();

        synchronized void put(String sessionKey, IssuedCode session) {
            byKey.put(sessionKey, session);
            if (byKey.size() > MAX) {
                byKey.remove(byKey.keySet().iterator().next());
            }
        }

        synchronized void clear() {
            byKey.clear();
        }

        synchronized IssuedCode get(String sessionKey) {
            return byKey.get(sessionKey);
        }
    }

    /** Whether, and when, a scripted fault closes the connection unanswered. */
    private enum Drop { NO, BEFORE_PROCESSING, AFTER_PROCESSING }

    private static final class Fault {
        final int errcode;
        final Duration delay;
        final int httpStatus;
        final String body;
        final Drop drop;
        int remaining;

        Fault(int errcode, Duration delay, int httpStatus, String body, Drop drop) {
            this.errcode = errcode;
            this.delay = delay;
            this.httpStatus = httpStatus;
            this.body = body;
            this.drop = drop;
        }
    }

    /**
     * How a fake answers a {@code gettoken} while the app's current token is still valid. WeCom's gettoken page
     * (in its older revision) says a repeated call within the validity returns the same token and restarts its
     * validity; the current revision no longer says so. The fake offers both.
     */
    public enum TokenBehaviour {
        /** The same token, its validity restarted; a new one only after expiry or revocation. The default. */
        SAME_WITHIN_VALIDITY,
        /** A new token on every call; earlier ones stay valid until they expire. */
        NEW_EVERY_CALL
    }

    /**
     * How {@code user/get} answers for a userid that is not in the token's corp but is in another corp of this
     * fake: a look-up across corps, as a backend makes that skips the relogin of a member of another corp bound
     * to the same mini-program. WeCom's docs say such calls fail with "not allow to cross corp" (errcode 92002
     * in its global error table), but not which server calls answer it; a plain {@code user/get} may as well
     * answer 60111, since userids are per corp. The fake offers both.
     */
    public enum CrossCorpLookup {
        /** 60111, as for any unknown userid. The default. */
        USER_NOT_FOUND,
        /** 92002, "not allow to cross corp". */
        NOT_ALLOWED
    }

    /** The base clock plus whatever {@link #advance(Duration)} added. */
    private static final class FakeClock extends Clock {
        final Clock base;
        final AtomicReference<Duration> offset;

        FakeClock(Clock base) {
            this(base, new AtomicReference<>(Duration.ZERO));
        }

        private FakeClock(Clock base, AtomicReference<Duration> offset) {
            this.base = base;
            this.offset = offset;
        }

        @Override
        public ZoneId getZone() {
            return base.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return new FakeClock(base.withZone(zone), offset);
        }

        @Override
        public Instant instant() {
            return base.instant().plus(offset.get());
        }
    }

    /**
     * Configures a {@link FakeWeCom} before it starts.
     *
     * <pre>{@code
     * FakeWeCom wecom = FakeWeCom.builder().tokenLifetime(Duration.ofSeconds(10))
     *         .gettokenLimitPerMinute(5).start();
     * }</pre>
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        private TokenBehaviour tokenBehaviour = TokenBehaviour.SAME_WITHIN_VALIDITY;
        private int gettokenLimitPerMinute = DEFAULT_GETTOKEN_LIMIT_PER_MINUTE;
        private CrossCorpLookup crossCorpLookup = CrossCorpLookup.USER_NOT_FOUND;
        private int port;

        private Builder() {
        }

        /**
         * Sets the clock the fake's own clock starts from; {@link FakeWeCom#advance(Duration)} adds to it.
         * Default: the system clock in UTC.
         *
         * @param clock the base clock, e.g. a fixed clock for repeatable tests
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * Sets how long issued tokens live ({@code expires_in}). Default 7200 s. A short lifetime tests a client's
         * refresh-ahead.
         *
         * @param lifetime at least one second
         * @return this builder
         */
        public Builder tokenLifetime(Duration lifetime) {
            Objects.requireNonNull(lifetime, "lifetime == null");
            if (lifetime.getSeconds() < 1) {
                throw new IllegalArgumentException("token lifetime must be at least 1 s: " + lifetime);
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * Sets how the fake answers a {@code gettoken} while the app's token is still valid. Default
         * {@link TokenBehaviour#SAME_WITHIN_VALIDITY}, WeCom's documented rule. Run the tests that matter under
         * both: a client must recognise a refreshed token by its later expiry, not by a new value.
         *
         * @param behaviour the behaviour
         * @return this builder
         */
        public Builder tokenBehaviour(TokenBehaviour behaviour) {
            this.tokenBehaviour = Objects.requireNonNull(behaviour, "behaviour == null");
            return this;
        }

        /**
         * Sets how many {@code gettoken} calls one corp may make in any minute of the fake clock before the
         * fake answers 45009. Default {@link FakeWeCom#DEFAULT_GETTOKEN_LIMIT_PER_MINUTE}.
         *
         * @param limit at least 1
         * @return this builder
         */
        public Builder gettokenLimitPerMinute(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("gettoken limit must be at least 1: " + limit);
            }
            this.gettokenLimitPerMinute = limit;
            return this;
        }

        /**
         * Sets how {@code user/get} answers a look-up across corps. Default {@link CrossCorpLookup#USER_NOT_FOUND}.
         *
         * @param lookup the behaviour
         * @return this builder
         */
        public Builder crossCorpLookup(CrossCorpLookup lookup) {
            this.crossCorpLookup = Objects.requireNonNull(lookup, "lookup == null");
            return this;
        }

        /**
         * Sets the loopback port. Default 0: a free port, which is what tests want.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** @return the running fake, listening on 127.0.0.1 */
        public FakeWeCom start() {
            return new FakeWeCom(this);
        }
    }
}
