package io.github.wecomkit.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WeCom stand-in on loopback serving {@code gettoken}, {@code miniprogram/jscode2session} and {@code user/get}.
 *
 * <p>Tokens follow WeCom's rules: a repeated {@code gettoken} within a token's validity answers the same token with
 * its validity restarted (WeCom's documented rule; {@link #sameTokenWithinValidity(boolean)} switches to a new
 * token per call); an unknown token gets 40014, an expired one 42001, so a client that keeps using a stale token
 * shows up as extra {@code gettoken} calls. {@link #refuseTokens(boolean)} makes every jscode2session answer 40014,
 * as WeCom does for the token of an app that may not call it. Login codes are not single-use here: the load
 * generators reuse a handful of codes.
 *
 * <pre>{@code
 * StubWeCom.configureJdkHttpServer();          // before any com.sun.net.httpserver class loads
 * try (StubWeCom stub = StubWeCom.start()) {
 *     stub.tokenLatency(Duration.ofMillis(50));
 *     String base = stub.baseUrl();
 * }
 * }</pre>
 */
public final class StubWeCom implements AutoCloseable {

    static final String CORP_ID = "wwbench0000000001";
    static final String SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
    static final String USER_ID = "zhangsan";

    /**
     * The member from WeCom's own {@code user/get} example, about 1 KB: the size a real response has.
     */
    static final byte[] MEMBER = ("{\"errcode\":0,\"errmsg\":\"ok\",\"userid\":\"zhangsan\",\"name\":\"张三\","
            + "\"department\":[1,2],\"order\":[1,2],\"position\":\"后台工程师\",\"mobile\":\"13800000000\","
            + "\"gender\":\"1\",\"email\":\"zhangsan@gzdev.com\",\"biz_mail\":\"zhangsan@qyycs2.wecom.work\","
            + "\"is_leader_in_dept\":[1,0],\"direct_leader\":[\"lisi\",\"wangwu\"],"
            + "\"avatar\":\"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/0\","
            + "\"thumb_avatar\":\"http://wx.qlogo.cn/mmopen/ajNVdqHZLLA3WJ6DSZUfiakYe37PKnQhBIeOQBO4czqrnZDS79FH5Wm5m4X69TBicnHFlhiafvDwklOpZeXYQQ2icg/100\","
            + "\"telephone\":\"020-123456\",\"alias\":\"jackzhang\",\"address\":\"广州市海珠区新港中路\","
            + "\"open_userid\":\"xxxxxx\",\"main_department\":1,"
            + "\"extattr\":{\"attrs\":[{\"type\":0,\"name\":\"文本名称\",\"text\":{\"value\":\"文本\"}},"
            + "{\"type\":1,\"name\":\"网页名称\",\"web\":{\"url\":\"http://www.test.com\",\"title\":\"标题\"}}]},"
            + "\"status\":1,\"qr_code\":\"https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=xxx\","
            + "\"external_position\":\"产品经理\",\"external_profile\":{\"external_corp_name\":\"企业简称\","
            + "\"wechat_channels\":{\"nickname\":\"视频号名称\",\"status\":1},"
            + "\"external_attr\":[{\"type\":0,\"name\":\"文本名称\",\"text\":{\"value\":\"文本\"}},"
            + "{\"type\":1,\"name\":\"网页名称\",\"web\":{\"url\":\"http://www.test.com\",\"title\":\"标题\"}},"
            + "{\"type\":2,\"name\":\"测试app\",\"miniprogram\":{\"appid\":\"wx8bd80126147dFAKE\","
            + "\"pagepath\":\"/index\",\"title\":\"my miniprogram\"}}]}}").getBytes(StandardCharsets.UTF_8);

    private static final byte[] SESSION = ("{\"errcode\":0,\"errmsg\":\"ok\",\"corpid\":\"" + CORP_ID
            + "\",\"userid\":\"" + USER_ID + "\",\"session_key\":\"kJtdi6RF+Dv67QkbLlPGjw==\"}")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Long> tokenExpiryNanos = new ConcurrentHashMap<>();
    private final AtomicInteger tokenSequence = new AtomicInteger();
    private final AtomicLong tokenCalls = new AtomicLong();
    private final java.util.Queue<Long> tokenCallNanos = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong rejectedTokens = new AtomicLong();
    private volatile long tokenLatencyMillis;
    private volatile int expiresInSeconds = 7200;
    private volatile boolean sameTokenWithinValidity = true;
    private volatile boolean refuseTokens;
    private volatile String currentToken;
    /** Client ends (address and port) seen since the last reset: one per connection a client opened. */
    private final Set<InetSocketAddress> connections = ConcurrentHashMap.newKeySet();

    private StubWeCom(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Sets the JDK server's properties; they are read once, when its classes load, so call this first in
     * {@code main}. Without {@code nodelay} each keep-alive response waits ~40 ms for a delayed ACK; with the
     * default idle limit the server silently closes pooled connections under load.
     */
    public static void configureJdkHttpServer() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
    }

    /** Starts a stub on an ephemeral loopback port. */
    public static StubWeCom start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        // Threads block in gettoken's latency while others keep serving: the fleet case parks 64 callers.
        ExecutorService executor = Executors.newFixedThreadPool(160, runnable -> {
            Thread thread = new Thread(runnable, "stub-wecom");
            thread.setDaemon(true);
            return thread;
        });
        StubWeCom stub = new StubWeCom(server, executor);
        server.createContext("/cgi-bin/gettoken", stub::getToken);
        server.createContext("/cgi-bin/miniprogram/jscode2session", exchange -> {
            if (stub.refuseTokens) {
                stub.refuse(exchange);
            } else {
                stub.withToken(exchange, SESSION);
            }
        });
        server.createContext("/cgi-bin/user/get", exchange -> stub.withToken(exchange, MEMBER));
        server.setExecutor(executor);
        server.start();
        return stub;
    }

    /** The base URL to give a client, e.g. {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How long each {@code gettoken} takes from now on. */
    public void tokenLatency(Duration latency) {
        tokenLatencyMillis = latency.toMillis();
    }

    /** The {@code expires_in} of tokens issued from now on. */
    public void expiresIn(Duration lifetime) {
        expiresInSeconds = Math.toIntExact(lifetime.toSeconds());
    }

    /** {@code true} (the default): WeCom's documented rule; {@code false}: a new token on every gettoken. */
    public void sameTokenWithinValidity(boolean same) {
        sameTokenWithinValidity = same;
    }

    /** Every jscode2session answers 40014, however fresh its token: the secret of an app that may not call it. */
    public void refuseTokens(boolean refuse) {
        refuseTokens = refuse;
    }

    /** {@code gettoken} calls served since the last {@link #reset()}. */
    public long tokenCalls() {
        return tokenCalls.get();
    }

    /** When each {@code gettoken} since the last {@link #reset()} arrived ({@link System#nanoTime()}). */
    public List<Long> tokenCallTimes() {
        return List.copyOf(tokenCallNanos);
    }

    /** Calls refused with 40014/42001 since the last {@link #reset()}. */
    public long rejectedTokens() {
        return rejectedTokens.get();
    }

    /**
     * Connections clients opened to the stub since the last {@link #reset()} (or {@link #resetConnections()}),
     * counted as the distinct client ports that sent a request: the JDK server has no accept hook, and a client
     * port identifies one TCP connection while it is open.
     */
    public int connections() {
        return connections.size();
    }

    /** Zeroes {@link #connections()} only. */
    public void resetConnections() {
        connections.clear();
    }

    /** Forgets every issued token and zeroes the counters: the next client starts cold. */
    public void reset() {
        connections.clear();
        tokenExpiryNanos.clear();
        tokenCalls.set(0);
        tokenCallNanos.clear();
        rejectedTokens.set(0);
        tokenLatencyMillis = 0;
        expiresInSeconds = 7200;
        sameTokenWithinValidity = true;
        refuseTokens = false;
        currentToken = null;
    }

    private void getToken(HttpExchange exchange) throws IOException {
        connections.add(exchange.getRemoteAddress());
        tokenCalls.incrementAndGet();
        tokenCallNanos.add(System.nanoTime());
        long latency = tokenLatencyMillis;
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (!CORP_ID.equals(param(query, "corpid")) || param(query, "corpsecret") == null) {
            respond(exchange, 40013, "{\"errcode\":40013,\"errmsg\":\"invalid corpid\"}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        int lifetime = expiresInSeconds;
        String token;
        synchronized (this) {
            String current = currentToken;
            Long expiry = current == null ? null : tokenExpiryNanos.get(current);
            if (sameTokenWithinValidity && expiry != null && System.nanoTime() - expiry < 0) {
                token = current; // the same token, its validity restarted
            } else {
                token = "stub-token-" + tokenSequence.incrementAndGet() + "-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                        + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
                currentToken = token;
            }
            tokenExpiryNanos.put(token, System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime));
        }
        respond(exchange, 0, ("{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":"
                + lifetime + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void refuse(HttpExchange exchange) throws IOException {
        connections.add(exchange.getRemoteAddress());
        rejectedTokens.incrementAndGet();
        respond(exchange, 40014, "{\"errcode\":40014,\"errmsg\":\"invalid access_token\"}"
                .getBytes(StandardCharsets.UTF_8));
    }

    private void withToken(HttpExchange exchange, byte[] body) throws IOException {
        connections.add(exchange.getRemoteAddress());
        String token = param(exchange.getRequestURI().getRawQuery(), "access_token");
        Long expiry = token == null ? null : tokenExpiryNanos.get(token);
        if (expiry == null) {
            rejectedTokens.incrementAndGet();
            respond(exchange, 40014, "{\"errcode\":40014,\"errmsg\":\"invalid access_token\"}"
                    .getBytes(StandardCharsets.UTF_8));
        } else if (System.nanoTime() - expiry > 0) {
            rejectedTokens.incrementAndGet();
            respond(exchange, 42001, "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}"
                    .getBytes(StandardCharsets.UTF_8));
        } else {
            respond(exchange, 0, body);
        }
    }

    /** Answers with the headers WeCom sends, its {@code Error-Code} header included, so clients parse as many. */
    private static void respond(HttpExchange exchange, int errcode, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Server", "nginx");
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.getResponseHeaders().set("Error-Code", Integer.toString(errcode));
        exchange.getResponseHeaders().set("Error-Msg", errcode == 0 ? "ok" : "see body");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The raw value of one query parameter; the stub's tokens and ids need no decoding. */
    private static String param(String query, String name) {
        if (query == null) {
            return null;
        }
        int from = 0;
        while (from < query.length()) {
            int end = query.indexOf('&', from);
            if (end < 0) {
                end = query.length();
            }
            if (query.startsWith(name, from) && query.length() > from + name.length()
                    && query.charAt(from + name.length()) == '=') {
                return query.substring(from + name.length() + 1, end);
            }
            from = end + 1;
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
