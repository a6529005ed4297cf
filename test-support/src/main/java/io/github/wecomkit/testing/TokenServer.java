package io.github.wecomkit.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WeCom stub for the token lifecycle tests of sdk-core (which cannot use the testkit's FakeWeCom, a module that
 * depends on sdk-core). It follows WeCom's token rules on the test's clock:
 * <ul>
 *   <li>{@link Behaviour#SAME_WITHIN_VALIDITY} (WeCom's documented rule, the default): gettoken within a token's
 *       validity returns the same value and restarts its validity; after expiry, a new value;</li>
 *   <li>{@link Behaviour#NEW_EVERY_CALL}: a new value on every gettoken (older ones stay valid).</li>
 * </ul>
 * Tokens expire (42001), can be revoked (40014), and an "app that may not call this API" gets 40014 on every
 * call even with a fresh token. jscode2session and user/get answer for any valid token.
 */
public final class TokenServer implements AutoCloseable {
    /** WeCom's two possible answers to a repeated gettoken. */
    public enum Behaviour { SAME_WITHIN_VALIDITY, NEW_EVERY_CALL }

    public static final String CORP_ID = Payloads.CORP_ID;
    public static final String SECRET = Payloads.SECRET;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "token-server");
        t.setDaemon(true);
        return t;
    });
    private final MutableClock clock;
    private final Behaviour behaviour;
    private volatile long expiresInSeconds = 7200;
    private volatile Duration gettokenDelay = Duration.ZERO;
    private final Deque<Object> gettokenScript = new ArrayDeque<>();
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private volatile Issued current;
    private final AtomicInteger serial = new AtomicInteger();
    private final AtomicInteger gettokenCalls = new AtomicInteger();
    private final List<String> tokensUsed = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> refusedApis = new ConcurrentHashMap<>();
    private final Map<String, Deque<Integer>> rejectNext = new ConcurrentHashMap<>();
    private volatile java.util.concurrent.CountDownLatch gate;

    private TokenServer(MutableClock clock, Behaviour behaviour) {
        this.clock = clock;
        this.behaviour = behaviour;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/cgi-bin/gettoken", this::gettoken);
        server.createContext("/cgi-bin/miniprogram/jscode2session", ex -> api(ex, "miniprogram/jscode2session",
                Payloads.session(CORP_ID, Payloads.USER_ID)));
        server.createContext("/cgi-bin/user/get", ex -> api(ex, "user/get", Payloads.USER));
        server.setExecutor(executor);
        server.start();
    }

    public static TokenServer start(MutableClock clock, Behaviour behaviour) {
        return new TokenServer(clock, behaviour);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** Sets {@code expires_in} for tokens issued from now on. */
    public TokenServer expiresIn(long seconds) {
        this.expiresInSeconds = seconds;
        return this;
    }

    /** Holds every gettoken answer this long (real time), to widen races between callers. */
    public TokenServer gettokenDelay(Duration delay) {
        this.gettokenDelay = delay;
        return this;
    }

    /** The next {@code times} gettoken calls answer {@code errcode} (or HTTP {@code status} when negative). */
    public void failGettoken(int times, int errcode) {
        synchronized (gettokenScript) {
            for (int i = 0; i < times; i++) {
                gettokenScript.addLast(errcode);
            }
        }
    }

    /** Every gettoken from now on answers {@code errcode}, until {@link #clearGettokenFailures()}. */
    public void failEveryGettoken(int errcode) {
        synchronized (gettokenScript) {
            gettokenScript.clear();
            gettokenScript.addLast(new Forever(errcode));
        }
    }

    public void clearGettokenFailures() {
        synchronized (gettokenScript) {
            gettokenScript.clear();
        }
    }

    /** WeCom revokes a token before its expiry: calls with it then get 40014. */
    public void revoke(String value) {
        Issued t = tokens.get(value);
        if (t != null) {
            t.revoked = true;
        }
    }

    /** The app may not call {@code api}: every call gets 40014, however fresh the token (WeCom's own answer). */
    public void refuseTokensAt(String api, boolean refuse) {
        if (refuse) {
            refusedApis.put(api, true);
        } else {
            refusedApis.remove(api);
        }
    }

    /** The next {@code times} calls of {@code api} answer {@code errcode} (40014, 42001) whatever their token. */
    public void rejectNext(String api, int times, int errcode) {
        Deque<Integer> q = rejectNext.computeIfAbsent(api, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.addLast(errcode);
            }
        }
    }

    /** The token ends now on the server's side (42001 from now on), whatever the client believes. */
    public void expireEarly(String value) {
        Issued t = tokens.get(value);
        if (t != null) {
            t.expiresAt = clock.instant();
        }
    }

    /** Holds every gettoken (after it is counted) until {@link #release()}. */
    public void hold() {
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    public void release() {
        java.util.concurrent.CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits (bounded) until gettoken was called at least {@code n} times. */
    public boolean awaitGettokenCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (gettokenCalls) {
            while (gettokenCalls.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(gettokenCalls, left);
            }
            return true;
        }
    }

    public int gettokenCalls() {
        return gettokenCalls.get();
    }

    /** The token value each jscode2session / user/get call carried, in arrival order. */
    public List<String> tokensUsed() {
        return List.copyOf(tokensUsed);
    }

    public String currentToken() {
        Issued c = current;
        return c == null ? null : c.value;
    }

    public void resetCounts() {
        gettokenCalls.set(0);
        tokensUsed.clear();
    }

    private void gettoken(HttpExchange ex) throws IOException {
        try (ex) {
            synchronized (gettokenCalls) {
                gettokenCalls.incrementAndGet();
                gettokenCalls.notifyAll();
            }
            java.util.concurrent.CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Duration delay = gettokenDelay;
            if (!delay.isZero()) {
                try {
                    TimeUnit.MILLISECONDS.sleep(delay.toMillis()); // the server is slow; no test waits on it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Object scripted;
            synchronized (gettokenScript) {
                scripted = gettokenScript.peekFirst();
                if (scripted instanceof Integer) {
                    gettokenScript.removeFirst();
                }
            }
            int fail = scripted instanceof Integer ? (Integer) scripted
                    : scripted instanceof Forever ? ((Forever) scripted).errcode : 0;
            if (fail < 0 && fail != -1) {
                send(ex, -fail, "<html><body>bad gateway</body></html>");
                return;
            }
            if (fail != 0) {
                send(ex, 200, Payloads.error(fail, "scripted failure"));
                return;
            }
            Map<String, String> q = query(ex);
            if (!CORP_ID.equals(q.get("corpid"))) {
                send(ex, 200, Payloads.error(40013, "invalid corpid"));
                return;
            }
            if (!SECRET.equals(q.get("corpsecret"))) {
                send(ex, 200, Payloads.error(40001, "invalid credential"));
                return;
            }
            Issued issued;
            synchronized (this) {
                Instant now = clock.instant();
                Issued c = current;
                Instant end = now.plusSeconds(expiresInSeconds);
                if (behaviour == Behaviour.SAME_WITHIN_VALIDITY && c != null && !c.revoked
                        && now.isBefore(c.expiresAt)) {
                    c.expiresAt = end; // the same token, its validity restarted
                    issued = c;
                } else {
                    issued = new Issued("tok" + serial.incrementAndGet() + "-" + Long.toHexString(now.toEpochMilli()),
                            end);
                    tokens.put(issued.value, issued);
                    current = issued;
                }
            }
            send(ex, 200, Payloads.token(issued.value, expiresInSeconds));
        }
    }

    private void api(HttpExchange ex, String api, String answer) throws IOException {
        try (ex) {
            String value = query(ex).get("access_token");
            tokensUsed.add(String.valueOf(value));
            Issued t = value == null ? null : tokens.get(value);
            Deque<Integer> q = rejectNext.get(api);
            Integer scripted = null;
            if (q != null) {
                synchronized (q) {
                    scripted = q.pollFirst();
                }
            }
            if (scripted != null) {
                send(ex, 200, Payloads.error(scripted, "scripted rejection"));
            } else if (t == null || t.revoked || refusedApis.containsKey(api)) {
                send(ex, 200, Payloads.error(40014, "invalid access_token"));
            } else if (!clock.instant().isBefore(t.expiresAt)) {
                send(ex, 200, Payloads.error(42001, "access_token expired"));
            } else {
                send(ex, 200, answer);
            }
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> params = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Tokens currently valid, by value. */
    public List<String> liveTokens() {
        List<String> live = new ArrayList<>();
        Instant now = clock.instant();
        tokens.values().forEach(t -> {
            if (!t.revoked && now.isBefore(t.expiresAt)) {
                live.add(t.value);
            }
        });
        return live;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static final class Issued {
        final String value;
        volatile Instant expiresAt;
        volatile boolean revoked;

        Issued(String value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    private record Forever(int errcode) {
    }
}
