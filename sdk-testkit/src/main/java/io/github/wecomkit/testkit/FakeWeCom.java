package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An embeddable fake WeCom server for tests and demos, on the JDK's own HTTP server (nothing else on the
 * classpath). It serves {@code gettoken}, {@code miniprogram/jscode2session}, {@code user/get} and
 * {@code message/send} on a free loopback port and behaves as WeCom does: a repeated {@code gettoken} within a
 * token's validity answers the same token with its validity restarted (switchable, {@link TokenBehaviour}), tokens
 * that expire on the fake's clock (42001) or are revoked (40014), wrong secrets (40001), unknown corps (40013), single-use login codes
 * that expire after five minutes (40029), members outside the app's visible range (60011) or unknown (60111),
 * a {@code gettoken} frequency limit (45009), and error bodies and headers shaped like WeCom's. It can also
 * send signed, encrypted callbacks to a backend's callback URL ({@link #callbackSender}).
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
 * <p>Thread-safe. State changes (corps, members, faults, the clock) take effect for the next request;
 * {@link #reset()} puts everything back to a fresh fake on the same port.
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
    private final Duration tokenLifetime;
    private final TokenBehaviour tokenBehaviour;
    private final int gettokenLimitPerMinute;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Waiters of {@link #awaitCalls} wait here; it outlives {@link #reset()}, which wakes them. */
    private final Object callsMonitor = new Object();
    /** Everything a test can change. Replaced whole by {@link #reset()}; read once per request. */
    private volatile State state = new State();

    private FakeWeCom(Builder b) {
        this.clock = new FakeClock(b.clock, () -> state.clockOffset.get());
        this.tokenLifetime = b.tokenLifetime;
        this.tokenBehaviour = b.tokenBehaviour;
        this.gettokenLimitPerMinute = b.gettokenLimitPerMinute;
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
        if (state.corps.putIfAbsent(corpId, corp) != null) {
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
        FakeCorp corp = state.corps.get(corpId);
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
        state.codes.put(code, new IssuedCode(corp.corpId(), member.userId(), clock.instant()));
        return code;
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
        state.clockOffset.accumulateAndGet(duration, Duration::plus);
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
        state.tokens.values().removeIf(t -> {
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
        return state.tokens.remove(accessToken) != null;
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
        for (IssuedToken t : state.tokens.values()) {
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
        return state.calls.get(Objects.requireNonNull(api, "api == null")).get();
    }

    /** Sets every call counter back to zero. */
    public void resetCalls() {
        synchronized (callsMonitor) {
            state.calls.values().forEach(c -> c.set(0));
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
        synchronized (callsMonitor) {
            while (state.calls.get(api).get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(callsMonitor, left);
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
        script(api, times, new Fault(errcode, null, 0, null, false));
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
        script(api, times, new Fault(0, delay, 0, null, false));
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
        script(api, times, new Fault(0, null, httpStatus, body, false));
    }

    /**
     * Scripts the next calls of an API to have their connection closed without an answer, after the request was
     * read: the caller cannot know whether WeCom acted on it.
     *
     * @param api   the API
     * @param times how many calls, at least 1
     */
    public void dropNext(FakeApi api, int times) {
        script(api, times, new Fault(0, null, 0, null, true));
    }

    /**
     * Puts the fake back to how it started, as if it were new: no corps (so no apps, members or hidden members),
     * no login codes, no tokens, no scripted faults, every call counter at zero, the clock back at its base (what
     * {@link #advance(Duration)} added is gone), no sent messages, an empty {@code gettoken} window. What stays is
     * what a client holds on to: the port and {@link #baseUrl()}, the {@link #clock()} object (it now reads the
     * base time again) and the builder's settings. A client built before the reset keeps working once its corp is
     * added again; its token is unknown to the fake by then, so its next call is answered 40014 and it fetches a
     * new token by itself. {@code FakeCorp} and {@code FakeApp} objects from before the reset belong to the old
     * world: changing them changes nothing. A request in flight finishes against the old state.
     *
     * <p>{@link WeComTest @WeComTest} calls this before every test.
     */
    public void reset() {
        synchronized (callsMonitor) {
            state = new State();
            callsMonitor.notifyAll();
        }
    }

    /** Removes every scripted fault not yet used. */
    public void clearFaults() {
        Map<FakeApi, Deque<Fault>> faults = state.faults;
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

    /** @return the JSON bodies {@code message/send} accepted, oldest first, unmodifiable */
    public List<String> sentMessages() {
        return List.copyOf(state.sentMessages);
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
        return "FakeWeCom{" + baseUrl() + ", corps=" + state.corps.keySet() + "}";
    }

    // ---- request handling -----------------------------------------------------------------------------

    private void script(FakeApi api, int times, Fault fault) {
        Objects.requireNonNull(api, "api == null");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1: " + times);
        }
        fault.remaining = times;
        Map<FakeApi, Deque<Fault>> faults = state.faults;
        synchronized (faults) {
            faults.get(api).addLast(fault);
        }
    }

    private static Fault takeFault(State s, FakeApi api) {
        Map<FakeApi, Deque<Fault>> faults = s.faults;
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
        State s = state; // one world for the whole request, even if a reset() happens meanwhile
        synchronized (callsMonitor) {
            s.calls.get(api).incrementAndGet();
            callsMonitor.notifyAll();
        }
        Fault fault = takeFault(s, api);
        if (fault != null) {
            if (fault.drop) {
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
                answer = getToken(s, exchange, query);
                break;
            case JSCODE2SESSION:
                answer = jscode2session(s, exchange, query);
                break;
            case USER_GET:
                answer = userGet(s, exchange, query);
                break;
            case MESSAGE_SEND:
                answer = messageSend(s, exchange, query, body);
                break;
            default:
                throw new IllegalStateException("unhandled " + api);
        }
        WeComReplies.sendJson(exchange, answer);
    }

    private Map<String, Object> getToken(State s, HttpExchange exchange, Map<String, String> query) {
        String corpId = query.get("corpid");
        String secret = query.get("corpsecret");
        if (corpId == null || corpId.isEmpty()) {
            return error(exchange, 41002);
        }
        if (secret == null || secret.isEmpty()) {
            return error(exchange, 41004);
        }
        FakeCorp corp = s.corps.get(corpId);
        if (corp == null) {
            return error(exchange, 40013);
        }
        if (!withinGettokenLimit(s, corpId)) {
            return error(exchange, 45009);
        }
        Optional<FakeApp> app = corp.appBySecret(secret);
        if (app.isEmpty()) {
            boolean otherCorps = s.corps.values().stream()
                    .anyMatch(c -> c != corp && c.appBySecret(secret).isPresent());
            return error(exchange, otherCorps ? 40091 : 40001);
        }
        IssuedToken token = issueToken(s, app.get());
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("access_token", token.value);
        answer.put("expires_in", tokenLifetime.toSeconds());
        return answer;
    }

    /**
     * WeCom's rule: within a token's validity gettoken answers the same token and restarts its validity; after
     * its expiry (or a revocation) a new one. With {@link TokenBehaviour#NEW_EVERY_CALL}, always a new one.
     */
    private IssuedToken issueToken(State s, FakeApp app) {
        synchronized (s.currentTokens) {
            Instant now = clock.instant();
            IssuedToken current = s.currentTokens.get(app);
            if (tokenBehaviour == TokenBehaviour.SAME_WITHIN_VALIDITY && current != null
                    && s.tokens.get(current.value) == current && now.isBefore(current.expiresAt)) {
                current.expiresAt = now.plus(tokenLifetime);
                return current;
            }
            IssuedToken token = new IssuedToken(randomToken(48), app, now.plus(tokenLifetime),
                    s.nextTokenSerial.getAndIncrement());
            s.tokens.put(token.value, token);
            s.currentTokens.put(app, token);
            return token;
        }
    }

    private boolean withinGettokenLimit(State s, String corpId) {
        Instant now = clock.instant();
        synchronized (s.gettokenTimes) {
            Deque<Instant> times = s.gettokenTimes.computeIfAbsent(corpId, k -> new ArrayDeque<>());
            while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(Duration.ofMinutes(1)))) {
                times.removeFirst();
            }
            // Every attempt counts, refused ones too: a client hammering a blocked API stays blocked.
            times.addLast(now);
            return times.size() <= gettokenLimitPerMinute;
        }
    }

    private Map<String, Object> jscode2session(State s, HttpExchange exchange, Map<String, String> query) {
        Object checked = checkToken(s, exchange, query);
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
        IssuedCode code = s.codes.remove(jsCode); // single use: a second exchange finds nothing
        if (code == null || !clock.instant().isBefore(code.issuedAt.plus(CODE_LIFETIME))) {
            return error(exchange, 40029);
        }
        byte[] sessionKey = new byte[16];
        RANDOM.nextBytes(sessionKey);
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("corpid", code.corpId);
        answer.put("userid", code.userId);
        answer.put("session_key", Base64.getEncoder().encodeToString(sessionKey));
        return answer;
    }

    private Map<String, Object> userGet(State s, HttpExchange exchange, Map<String, String> query) {
        Object checked = checkToken(s, exchange, query);
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
            return error(exchange, 60111);
        }
        if (!token.app.canSee(userId)) {
            return error(exchange, 60011);
        }
        Map<String, Object> answer = WeComReplies.ok();
        answer.putAll(member.get().toUserGetFields());
        return answer;
    }

    private Map<String, Object> messageSend(State s, HttpExchange exchange, Map<String, String> query,
                                            byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return error(exchange, 40058);
        }
        Object checked = checkToken(s, exchange, query);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        IssuedToken token = (IssuedToken) checked;
        JsonNode json;
        try {
            json = WeComReplies.JSON.readTree(body);
        } catch (IOException e) {
            return error(exchange, 40058);
        }
        if (json == null || !json.isObject() || !json.hasNonNull("msgtype")) {
            return error(exchange, 40058);
        }
        if ("miniprogram_notice".equals(json.get("msgtype").asText()) && !token.app.isMiniProgram()) {
            return error(exchange, 48002);
        }
        List<String> invalid = new ArrayList<>();
        int valid = 0;
        String toUser = json.path("touser").asText("");
        for (String userId : toUser.isEmpty() ? new String[0] : toUser.split("\\|")) {
            if (token.app.corp().member(userId).isPresent() && token.app.canSee(userId)) {
                valid++;
            } else {
                invalid.add(userId.toLowerCase(java.util.Locale.ROOT));
            }
        }
        boolean partyOrTag = !json.path("toparty").asText("").isEmpty() || !json.path("totag").asText("").isEmpty();
        if (valid == 0 && !partyOrTag) {
            return error(exchange, 81013);
        }
        s.sentMessages.add(new String(body, StandardCharsets.UTF_8));
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("invaliduser", String.join("|", invalid));
        answer.put("invalidparty", "");
        answer.put("invalidtag", "");
        answer.put("unlicenseduser", "");
        answer.put("msgid", "fake-msg-" + s.nextMsgId.getAndIncrement());
        return answer;
    }

    /** @return the live token, or the error body to answer */
    private Object checkToken(State s, HttpExchange exchange, Map<String, String> query) {
        String value = query.get("access_token");
        if (value == null || value.isEmpty()) {
            return error(exchange, 41001);
        }
        IssuedToken token = s.tokens.get(value);
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

    private Map<String, Object> error(HttpExchange exchange, int errcode) {
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

    private static final class IssuedToken {
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

    private static final class IssuedCode {
        final String corpId;
        final String userId;
        final Instant issuedAt;

        IssuedCode(String corpId, String userId, Instant issuedAt) {
            this.corpId = corpId;
            this.userId = userId;
            this.issuedAt = issuedAt;
        }
    }

    private static final class Fault {
        final int errcode;
        final Duration delay;
        final int httpStatus;
        final String body;
        final boolean drop;
        int remaining;

        Fault(int errcode, Duration delay, int httpStatus, String body, boolean drop) {
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
     * Everything a test can change on a fake, in one object: {@link #reset()} replaces it whole, so whatever is
     * added here is reset by construction.
     *
     * <p>For whoever adds to the fake (new endpoints, records of what was sent, scripted payloads): put every
     * piece of state a test can create or change in this class, never in a field of {@code FakeWeCom} itself,
     * and read it through a {@code State} taken once per request ({@code State s = state;}). Fields of
     * {@code FakeWeCom} are only for what is fixed when the fake starts (the server, its builder's settings) or
     * outlives a reset on purpose. {@code FakeWeComResetTest} lists those fields and fails when a new one
     * appears, so a forgotten field cannot silently survive a reset; state kept inside a {@link FakeCorp} or a
     * {@link FakeApp} goes with its corp.
     */
    private static final class State {
        final Map<String, FakeCorp> corps = new ConcurrentHashMap<>();
        final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
        /** The token gettoken last issued per app (by secret), for the "same token within validity" rule. */
        final Map<FakeApp, IssuedToken> currentTokens = new ConcurrentHashMap<>();
        final Map<String, IssuedCode> codes = new ConcurrentHashMap<>();
        final Map<String, Deque<Instant>> gettokenTimes = new HashMap<>();
        final Map<FakeApi, AtomicInteger> calls = new EnumMap<>(FakeApi.class);
        final Map<FakeApi, Deque<Fault>> faults = new EnumMap<>(FakeApi.class);
        final List<String> sentMessages = new CopyOnWriteArrayList<>();
        final AtomicLong nextMsgId = new AtomicLong(1);
        final AtomicLong nextTokenSerial = new AtomicLong(1);
        /** What {@link #advance(Duration)} added to the base clock. */
        final AtomicReference<Duration> clockOffset = new AtomicReference<>(Duration.ZERO);

        State() {
            for (FakeApi api : FakeApi.values()) {
                calls.put(api, new AtomicInteger());
                faults.put(api, new ArrayDeque<>());
            }
        }
    }

    /** The base clock plus whatever {@link #advance(Duration)} added since the start or the last reset. */
    private static final class FakeClock extends Clock {
        final Clock base;
        final Supplier<Duration> offset;

        FakeClock(Clock base, Supplier<Duration> offset) {
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
