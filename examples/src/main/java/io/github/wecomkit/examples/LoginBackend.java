package io.github.wecomkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.CallbackEvent;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.callback.SubscribeEvent;
import io.github.wecomkit.callback.UnsubscribeEvent;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.ReloginRequiredException;
import io.github.wecomkit.error.SystemBusyException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.testkit.CallbackSender;
import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeWeCom;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small login backend for a WeCom mini-program on the JDK's HTTP server: the mini-program posts the code from
 * {@code wx.qy.login}, the backend logs the member in with wecomkit and answers with its own signed session token
 * and the member. The session key stays on the server. One mini-program may be bound to several corps: the
 * backend serves all of them through one {@link WeComCorps}.
 *
 * <pre>{@code
 * POST /api/login  {"code": "..."}                 → 200 {"token": "...", "corpId": "...", "member": {...}}
 *                                                  → 409 {"error": "relogin", "corpId": "ww…"}
 *                  {"code": "...", "corpId": "ww…"} (after a 409: a fresh code, exchanged with that corp) → 200
 * GET  /api/me     Authorization: Bearer <token>   → 200 {"corpId": "...", "userId": "..."}
 * GET  /wecom/callback?msg_signature=&timestamp=&nonce=&echostr=  → the decrypted echo (URL verification)
 * POST /wecom/callback?msg_signature=&timestamp=&nonce=           → 200, empty (an encrypted event)
 * }</pre>
 *
 * <p><b>The relogin round trip.</b> The first code is exchanged with the default corp's credentials. When WeCom
 * answers that the member belongs to another corp the backend serves, the code is used up; the backend answers
 * 409 with that {@code corpId}, the mini-program calls {@code wx.qy.login} again and posts the new code with the
 * {@code corpId}, and the backend exchanges it with that corp's credentials ({@code examples/miniprogram/app.js}
 * is the other half).
 *
 * <p>Answers: 400 bad request or a corp this backend does not serve, 401 used or expired code (call
 * {@code wx.qy.login} again), 403 the member is outside the app's visible range (60011) or not in a corp served,
 * 409 log in again against {@code corpId}, 503 WeCom busy or unreachable.
 */
public final class LoginBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoginBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 4096;
    private static final int MAX_EVENTS = 100;
    /** The demo callback settings on the fake; real ones come from the admin console's callback page. */
    static final String DEMO_CALLBACK_TOKEN = "wecomkitDemoToken";
    static final String DEMO_CALLBACK_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    /** A second corp bound to the same demo mini-program, for the relogin round trip. */
    static final String DEMO_OTHER_CORP_ID = "ww0000demo0corp1";
    static final String DEMO_OTHER_SECRET = "demo-mini-program-app-secret-of-corp-1";
    static final String DEMO_OTHER_USER_ID = "lisi";

    private final WeComCorps corps;
    private final SessionTokens sessionTokens;
    private final HttpServer server;
    private final ExecutorService executor;
    private final WeComCallback callback;
    private final Deque<CallbackEvent> events = new ConcurrentLinkedDeque<>();

    /**
     * Starts the backend on a loopback port.
     *
     * @param corps         the corps the mini-program is bound to (one for most apps); the default corp exchanges
     *                      a code when the mini-program names none
     * @param sessionTokens the signer for the backend's own session tokens
     * @param port          the port, 0 for a free one
     */
    public LoginBackend(WeComCorps corps, SessionTokens sessionTokens, int port) {
        this(corps, sessionTokens, null, port);
    }

    /**
     * Starts the backend on a loopback port, with a callback endpoint at {@code /wecom/callback}.
     *
     * @param corps         the corps the mini-program is bound to (one for most apps)
     * @param sessionTokens the signer for the backend's own session tokens
     * @param callback      the Token, EncodingAESKey and receive id configured for the callback URL, or
     *                      {@code null} for no callback endpoint
     * @param port          the port, 0 for a free one
     */
    public LoginBackend(WeComCorps corps, SessionTokens sessionTokens, WeComCallback callback, int port) {
        this.callback = callback;
        this.corps = Objects.requireNonNull(corps, "corps == null");
        this.sessionTokens = Objects.requireNonNull(sessionTokens, "sessionTokens == null");
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "login-backend");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/login", this::login);
        server.createContext("/api/me", this::me);
        if (callback != null) {
            server.createContext("/wecom/callback", this::callback);
        }
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Runs the backend on port 8080 (or {@code PORT}) until stopped: against real WeCom when
     * {@code WECOM_CORP_ID} and {@code WECOM_SECRET} are set (the default corp; more corps of the same
     * mini-program in {@code WECOM_MORE_CORPS} as {@code corpId=secret,corpId=secret}; a callback endpoint when
     * {@code WECOM_CALLBACK_TOKEN} and {@code WECOM_CALLBACK_AES_KEY} are set), else on an embedded
     * {@link FakeWeCom} with two demo corps, which also verifies the callback URL and sends an event, printing
     * ready-to-run {@code curl} lines for a login and for the relogin round trip.
     *
     * <pre>{@code
     * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.wecomkit.examples.LoginBackend
     * }</pre>
     *
     * @param args ignored
     * @throws InterruptedException when stopped
     */
    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(Optional.ofNullable(System.getenv("PORT")).orElse("8080"));
        String corpId = System.getenv("WECOM_CORP_ID");
        String secret = System.getenv("WECOM_SECRET");
        String callbackToken = System.getenv("WECOM_CALLBACK_TOKEN");
        String callbackAesKey = System.getenv("WECOM_CALLBACK_AES_KEY");
        FakeWeCom wecom = null;
        WeComClient.Builder settings = WeComClient.builder();
        WeComCorps.Builder corps = WeComCorps.builder();
        if (corpId == null || secret == null) {
            wecom = FakeWeCom.start();
            corpId = LoginExample.DEMO_CORP_ID;
            secret = LoginExample.DEMO_SECRET;
            callbackToken = DEMO_CALLBACK_TOKEN;
            callbackAesKey = DEMO_CALLBACK_AES_KEY;
            wecom.addCorp(corpId, secret).addMember(FakeMember.builder(LoginExample.DEMO_USER_ID).name("张三")
                    .department(1, 2).position("Backend engineer").build());
            wecom.addCorp(DEMO_OTHER_CORP_ID, DEMO_OTHER_SECRET).addMember(DEMO_OTHER_USER_ID, "李四");
            corps.corp(corpId, secret).corp(DEMO_OTHER_CORP_ID, DEMO_OTHER_SECRET);
            settings.baseUrl(wecom.baseUrl());
        } else {
            corps.corp(corpId, secret);
            for (String pair : Optional.ofNullable(System.getenv("WECOM_MORE_CORPS")).orElse("").split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    corps.corp(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        WeComCallback callback = callbackToken == null || callbackAesKey == null ? null
                : WeComCallback.builder().token(callbackToken).encodingAesKey(callbackAesKey).receiveIds(corpId).build();
        try (WeComCorps served = corps.settings(settings).build();
             LoginBackend backend = new LoginBackend(served, SessionTokens.withRandomKey(), callback, port)) {
            System.out.println("Login backend at " + backend.baseUrl() + "/api/login"
                    + (callback == null ? "" : ", callbacks at " + backend.baseUrl() + "/wecom/callback"));
            if (wecom != null) {
                CallbackSender callbacks = wecom.callbackSender(backend.baseUrl() + "/wecom/callback",
                        DEMO_CALLBACK_TOKEN, DEMO_CALLBACK_AES_KEY, corpId);
                System.out.println("FakeWeCom verified the callback URL: " + callbacks.verifyUrl().passed()
                        + "; subscribe event answered HTTP " + callbacks.sendSubscribe(LoginExample.DEMO_USER_ID).status());
                System.out.println("Try it (demo codes from the embedded FakeWeCom, single-use):");
                System.out.println("  curl -s -X POST " + backend.baseUrl() + "/api/login -d '{\"code\":\""
                        + wecom.issueCode(corpId, LoginExample.DEMO_USER_ID) + "\"}'");
                System.out.println("A member of the second corp: 409 relogin, then 200 with the second code and corpId:");
                System.out.println("  curl -s -X POST " + backend.baseUrl() + "/api/login -d '{\"code\":\""
                        + wecom.issueCode(DEMO_OTHER_CORP_ID, DEMO_OTHER_USER_ID) + "\"}'");
                System.out.println("  curl -s -X POST " + backend.baseUrl() + "/api/login -d '{\"code\":\""
                        + wecom.issueCode(DEMO_OTHER_CORP_ID, DEMO_OTHER_USER_ID) + "\",\"corpId\":\""
                        + DEMO_OTHER_CORP_ID + "\"}'");
            }
            new CountDownLatch(1).await(); // serve until the process is stopped
        } finally {
            if (wecom != null) {
                wecom.close();
            }
        }
    }

    /** @return the backend's base URL, e.g. {@code http://127.0.0.1:8080} */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void login(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "POST");
                reply(exchange, 405, error("method_not_allowed", "POST a JSON body {\"code\": ...}"));
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                body = bytes.length > MAX_BODY_BYTES ? null : JSON.readTree(bytes);
            } catch (IOException e) {
                body = null;
            }
            if (body == null || !body.path("code").isTextual()) {
                reply(exchange, 400, error("bad_request", "POST a JSON body {\"code\": ...} with the code from wx.qy.login"));
                return;
            }
            String corpId = body.path("corpId").isTextual() ? body.get("corpId").asText() : null;
            if (corpId != null && !corps.serves(corpId)) {
                // Checked before the exchange, so the mini-program's code is not used up by a typo.
                reply(exchange, 400, error("unknown_corp", "This service does not serve that corp."));
                return;
            }
            Answer answer = login(body.get("code").asText(), corpId);
            reply(exchange, answer.status, answer.body);
        }
    }

    /** @param corpId the corp the mini-program was told to log in against, or {@code null} on a first login */
    private Answer login(String code, String corpId) {
        try {
            LoginSession session = corpId == null ? corps.login(code) : corps.login(code, corpId);
            Member member = corps.getUser(session); // with the member's own corp's credentials
            Map<String, Object> ok = new LinkedHashMap<>();
            ok.put("token", sessionTokens.issue(session.corpId(), session.userId()));
            ok.put("corpId", session.corpId());
            ok.put("member", memberJson(member));
            return new Answer(200, ok);
        } catch (IllegalArgumentException e) {
            return new Answer(400, error("bad_request", "the code is malformed"));
        } catch (InvalidCodeException e) {
            return new Answer(401, error("invalid_code",
                    "The login code was used already or is older than five minutes: call wx.qy.login again."));
        } catch (ReloginRequiredException e) {
            // The code was exchanged with another corp's credentials and is used up: a fresh one, for that corp.
            Map<String, Object> relogin = error("relogin",
                    "You belong to corp " + e.corpId() + ": call wx.qy.login again and post the new code"
                            + " with this corpId (a code works once).");
            relogin.put("corpId", e.corpId());
            return new Answer(409, relogin);
        } catch (CorpMismatchException e) {
            return new Answer(403, error("corp_not_served", "This mini-program does not serve your corp."));
        } catch (NoPrivilegeException e) {
            return new Answer(403, error("no_privilege",
                    "Your account is outside this app's visible range. Ask your WeCom admin to add you, or your"
                            + " department, to the app's visible range."));
        } catch (UserNotFoundException e) {
            return new Answer(403, error("not_a_member", "Your account was not found in this corp."));
        } catch (RateLimitedException | SystemBusyException | WeComTransportException e) {
            LOG.warn("login unavailable: {}", e.getMessage());
            return new Answer(503, error("unavailable", "WeCom is busy or unreachable; try again shortly."));
        } catch (InvalidCredentialException e) {
            LOG.error("the service's WeCom credentials are wrong: {}", e.getMessage());
            return new Answer(500, error("server_misconfigured", "The service cannot reach WeCom."));
        } catch (WeComApiException e) {
            LOG.warn("login failed: errcode={}", e.errcode());
            return new Answer(502, error("wecom_error", "WeCom refused the login (errcode " + e.errcode() + ")."));
        } catch (WeComException e) {
            LOG.warn("login failed: {}", e.getMessage());
            return new Answer(502, error("wecom_error", "WeCom refused the login."));
        }
    }

    /** @return the latest callback events received (at most {@value #MAX_EVENTS}), oldest first */
    public List<CallbackEvent> callbackEvents() {
        return List.copyOf(events);
    }

    /**
     * WeCom's callback URL: GET verifies the URL (answer the decrypted echo string, nothing else, within a second),
     * POST delivers an encrypted event (answer 200 with an empty body within five seconds, or WeCom retries).
     */
    private void callback(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = query(exchange);
            try {
                if ("GET".equals(exchange.getRequestMethod())) {
                    String echo = callback.verifyUrl(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"),
                            q.get("echostr"));
                    replyText(exchange, 200, echo);
                    return;
                }
                if (!"POST".equals(exchange.getRequestMethod())) {
                    replyText(exchange, 405, "GET or POST");
                    return;
                }
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    // One byte over the SDK's limit is enough for it to reject the body as too large.
                    body = new String(in.readNBytes(WeComCallback.DEFAULT_MAX_BODY_BYTES + 1), StandardCharsets.UTF_8);
                }
                CallbackEvent event = callback.decrypt(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"),
                        body);
                remember(event);
                replyText(exchange, 200, "");
            } catch (CallbackException e) {
                LOG.warn("callback rejected: reason={}", e.reason());
                replyText(exchange, 400, "rejected: " + e.reason());
            }
        }
    }

    private void remember(CallbackEvent event) {
        if (event instanceof SubscribeEvent s) {
            LOG.info("member {} of corp {} entered the app's visible range", s.fromUserName(), s.toUserName());
        } else if (event instanceof UnsubscribeEvent u) {
            LOG.info("member {} of corp {} left the app's visible range", u.fromUserName(), u.toUserName());
        }
        events.addLast(event);
        while (events.size() > MAX_EVENTS) {
            events.pollFirst();
        }
    }

    private void me(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
            Optional<SessionTokens.Subject> subject = auth.startsWith("Bearer ")
                    ? sessionTokens.verify(auth.substring("Bearer ".length())) : Optional.empty();
            if (subject.isEmpty()) {
                reply(exchange, 401, error("unauthenticated", "log in first"));
                return;
            }
            Map<String, Object> me = new LinkedHashMap<>();
            me.put("corpId", subject.get().corpId());
            me.put("userId", subject.get().userId());
            reply(exchange, 200, me);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.putIfAbsent(pair.substring(0, eq),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    private static void replyText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, Object> memberJson(Member member) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userId", member.userId());
        m.put("name", member.name());
        m.put("department", member.department());
        m.put("position", member.position().orElse(null));
        m.put("status", member.status().name());
        return m;
    }

    private static Map<String, Object> error(String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    private static void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Answer(int status, Map<String, Object> body) {
    }
}
