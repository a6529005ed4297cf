package io.github.wecomkit.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wecomkit.Member;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.suite.AuthType;
import io.github.wecomkit.suite.CorpNotAuthorizedException;
import io.github.wecomkit.suite.InMemoryPermanentCodeStore;
import io.github.wecomkit.suite.Installation;
import io.github.wecomkit.suite.SuiteCallbackHandler;
import io.github.wecomkit.suite.SuiteClient;
import io.github.wecomkit.suite.SuiteSession;
import io.github.wecomkit.suite.SuiteTicketMissingException;
import io.github.wecomkit.testkit.FakeMember;
import io.github.wecomkit.testkit.FakeSuite;
import io.github.wecomkit.testkit.FakeWeCom;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service provider's (服务商) backend for a third-party WeCom mini-program on the JDK's HTTP server: the suite's
 * command URL, the install link and its redirect, and the provider login.
 *
 * <pre>{@code
 * GET  /wecom/suite/command?msg_signature=&timestamp=&nonce=&echostr=  → the decrypted echo (URL verification)
 * POST /wecom/suite/command?msg_signature=&timestamp=&nonce=           → "success" (suite_ticket, create_auth, ...)
 * GET  /wecom/suite/install                                             → 302 to WeCom's install page
 * GET  /wecom/suite/installed?auth_code=&state=                         → 200 {"corpId": ..., "corpName": ...}
 * POST /api/login  {"code": "..."}                                      → 200 {"token", "corpId", "member"}
 * }</pre>
 *
 * <p>Answers of {@code /api/login}: 400 bad request, 401 used or expired code (call {@code wx.qy.login} again),
 * 403 the member's corp has not installed the app, or the member is outside its visible range, 503 no suite
 * ticket yet or WeCom unreachable.
 */
public final class ProviderBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_BODY_BYTES = 4096;
    /** The demo's suite and callback settings on the fake; real ones come from the provider console. */
    static final String DEMO_SUITE_ID = "wwdemo0suite0000";
    static final String DEMO_SUITE_SECRET = "demo-suite-secret";
    static final String DEMO_CALLBACK_TOKEN = "wecomkitSuiteToken";
    static final String DEMO_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private final SuiteClient suite;
    private final SuiteCallbackHandler callbacks;
    private final SessionTokens sessionTokens;
    private final HttpServer server;
    private final ExecutorService executor;
    /** Install links handed out and not yet completed: a redirect without one of these states is forged. */
    private final Set<String> pendingStates = ConcurrentHashMap.newKeySet();
    private final List<String> installedCorps = new CopyOnWriteArrayList<>();

    /**
     * Starts the backend on a loopback port.
     *
     * @param suite          the suite's client
     * @param callbackToken  the Token configured for the suite's callback URLs
     * @param callbackAesKey the EncodingAESKey configured with it
     * @param sessionTokens  the signer of the backend's own session tokens
     * @param port           the port, 0 for a free one
     */
    public ProviderBackend(SuiteClient suite, String callbackToken, String callbackAesKey,
            SessionTokens sessionTokens, int port) {
        this.suite = Objects.requireNonNull(suite, "suite == null");
        this.sessionTokens = Objects.requireNonNull(sessionTokens, "sessionTokens == null");
        this.callbacks = SuiteCallbackHandler.builder().suite(suite)
                .callback(WeComCallback.builder().token(callbackToken).encodingAesKey(callbackAesKey)
                        .receiveIds(suite.suiteId()).moreReceiveIds(suite::isAuthorized).build())
                .onInstalled(this::installed)
                .onCancelled(corpId -> {
                    installedCorps.remove(corpId);
                    LOG.info("corp {} removed the app; its data would be deleted here", corpId);
                })
                .onEvent(event -> LOG.info("callback: {}", event))
                .build();
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "provider-backend");
            t.setDaemon(true);
            return t;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException(e);
        }
        server.createContext("/wecom/suite/command", this::command);
        server.createContext("/wecom/suite/install", this::install);
        server.createContext("/wecom/suite/installed", this::installedRedirect);
        server.createContext("/api/login", this::login);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Runs the backend on port 8080 (or {@code PORT}): against real WeCom when {@code SUITE_ID},
     * {@code SUITE_SECRET}, {@code SUITE_CALLBACK_TOKEN} and {@code SUITE_CALLBACK_AES_KEY} are set, else on an
     * embedded {@link FakeWeCom}, where it plays the whole flow through HTTP first (URL verification, a ticket
     * push, an install through the link, one from the market, two logins), then serves, printing {@code curl}
     * lines. {@code --once} stops after the demo.
     *
     * <pre>{@code
     * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.github.wecomkit.examples.ProviderBackend
     * }</pre>
     *
     * @param args {@code --once} to exit after the demo
     * @throws Exception when stopped
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(Optional.ofNullable(System.getenv("PORT")).orElse("8080"));
        boolean once = List.of(args).contains("--once");
        String suiteId = System.getenv("SUITE_ID");
        String secret = System.getenv("SUITE_SECRET");
        String token = System.getenv("SUITE_CALLBACK_TOKEN");
        String aesKey = System.getenv("SUITE_CALLBACK_AES_KEY");
        boolean real = suiteId != null && secret != null && token != null && aesKey != null;
        FakeWeCom wecom = null;
        SuiteClient.Builder builder = SuiteClient.builder()
                // Keep the codes in your database in production (implement PermanentCodeStore), or in
                // RedisPermanentCodeStore with a ValueCipher; in memory they are lost when the process ends.
                .permanentCodeStore(new InMemoryPermanentCodeStore());
        if (!real) {
            wecom = FakeWeCom.start();
            suiteId = DEMO_SUITE_ID;
            secret = DEMO_SUITE_SECRET;
            token = DEMO_CALLBACK_TOKEN;
            aesKey = DEMO_AES_KEY;
            wecom.addCorp("wwdemo0corp0a000", "unused-a").addMember(FakeMember.builder("zhangsan").name("张三")
                    .department(1).build());
            wecom.addCorp("wwdemo0corp0b000", "unused-b").addMember(FakeMember.builder("lisi").name("李四")
                    .department(1).build());
            wecom.addSuite(suiteId, secret);
            builder.baseUrl(wecom.baseUrl());
        }
        try (SuiteClient suite = builder.suiteId(suiteId).suiteSecret(secret).build();
             ProviderBackend backend = new ProviderBackend(suite, token, aesKey, SessionTokens.withRandomKey(),
                     real || !once ? port : 0)) {
            System.out.println("Provider backend at " + backend.baseUrl() + ": command URL /wecom/suite/command,"
                    + " install link /wecom/suite/install, login /api/login");
            if (wecom != null) {
                demo(wecom, backend);
                if (once) {
                    return;
                }
                System.out.println("Try it (fresh single-use demo codes from the embedded FakeWeCom):");
                System.out.println("  curl -s -X POST " + backend.baseUrl() + "/api/login -d '{\"code\":\""
                        + wecom.issueCode("wwdemo0corp0b000", "lisi") + "\"}'");
            }
            new CountDownLatch(1).await(); // serve until the process is stopped
        } finally {
            if (wecom != null) {
                wecom.close();
            }
        }
    }

    /** The whole flow on the fake, through the backend's own HTTP endpoints, as WeCom and a browser would. */
    static void demo(FakeWeCom wecom, ProviderBackend backend) throws IOException, InterruptedException {
        FakeSuite fake = wecom.suite(backend.suite.suiteId());
        fake.commandUrl(backend.baseUrl() + "/wecom/suite/command", DEMO_CALLBACK_TOKEN, DEMO_AES_KEY);
        System.out.println("WeCom verified the command URL: " + fake.verifyCommandUrl().passed());
        System.out.println("suite_ticket pushed, answered: " + fake.pushTicket().answer().body());

        HttpClient browser = HttpClient.newHttpClient(); // does not follow redirects: each hop is shown
        HttpResponse<String> toWeCom = browser.send(HttpRequest.newBuilder(URI.create(backend.baseUrl()
                + "/wecom/suite/install")).build(), HttpResponse.BodyHandlers.ofString());
        String installPage = toWeCom.headers().firstValue("Location").orElseThrow();
        System.out.println("install link: " + installPage.replaceAll("pre_auth_code=[^&]*", "pre_auth_code=…"));
        String redirect = fake.openInstallUrl(installPage, "wwdemo0corp0a000"); // the admin confirms
        HttpResponse<String> done = browser.send(HttpRequest.newBuilder(URI.create(redirect)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("installed through the link: " + done.statusCode() + " " + done.body());
        System.out.println("installed from the market (create_auth), answered: "
                + fake.installFromMarket("wwdemo0corp0b000").answer().body() + ", permanent code fetched after: "
                + backend.awaitInstalled("wwdemo0corp0b000", Duration.ofSeconds(10)));

        for (String[] member : new String[][] {{"wwdemo0corp0a000", "zhangsan"}, {"wwdemo0corp0b000", "lisi"}}) {
            HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(backend.baseUrl()
                    + "/api/login")).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\""
                    + wecom.issueCode(member[0], member[1]) + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(login.body());
            System.out.println("login " + member[0] + ": " + login.statusCode() + " member=" + body.path("member"));
        }
    }

    /** @return the backend's base URL, e.g. {@code http://127.0.0.1:8080} */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** @return the corps installed while this backend ran, in order */
    public List<String> installedCorps() {
        return List.copyOf(installedCorps);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        callbacks.close();
    }

    /**
     * Waits until a corp's installation has completed (a {@code create_auth} is answered first, and the permanent
     * code fetched after).
     *
     * @param corpId  the corp
     * @param timeout how long to wait at most
     * @return whether it completed in time
     * @throws InterruptedException if interrupted
     */
    public boolean awaitInstalled(String corpId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (installedCorps) {
            while (!installedCorps.contains(corpId)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(installedCorps, left);
            }
            return true;
        }
    }

    private void installed(Installation installation) {
        synchronized (installedCorps) {
            installedCorps.add(installation.corpId());
            installedCorps.notifyAll();
        }
        LOG.info("corp {} ({}) installed the app", installation.corpId(), installation.corpName());
    }

    /** The command URL: WeCom wants the echo within a second, "success" within a second (commands). */
    private void command(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = query(exchange);
            try {
                if ("GET".equals(exchange.getRequestMethod())) {
                    replyText(exchange, 200, callbacks.verifyUrl(q.get("msg_signature"), q.get("timestamp"),
                            q.get("nonce"), q.get("echostr")));
                    return;
                }
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readNBytes(WeComCallback.DEFAULT_MAX_BODY_BYTES + 1), StandardCharsets.UTF_8);
                }
                replyText(exchange, 200, callbacks.handle(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"),
                        body));
            } catch (CallbackException e) {
                LOG.warn("callback rejected: reason={}", e.reason());
                replyText(exchange, 400, "rejected: " + e.reason());
            } catch (WeComException e) {
                LOG.warn("callback failed, WeCom will retry: {}", e.getMessage());
                replyText(exchange, 500, "failed");
            }
        }
    }

    /** Sends the admin to WeCom's install page, with a state bound to this install. */
    private void install(HttpExchange exchange) throws IOException {
        try (exchange) {
            String state = HexFormat.of().formatHex(bytes(16));
            try {
                String link = suite.installUrl(baseUrl() + "/wecom/suite/installed", state, AuthType.FORMAL);
                pendingStates.add(state);
                exchange.getResponseHeaders().set("Location", link);
                exchange.sendResponseHeaders(302, -1);
            } catch (SuiteTicketMissingException e) {
                reply(exchange, 503, error("no_ticket", e.getMessage()));
            }
        }
    }

    /** Where WeCom sends the admin back: {@code ?auth_code=…&expires_in=600&state=…}. */
    private void installedRedirect(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> q = query(exchange);
            String authCode = q.get("auth_code");
            if (authCode == null || !pendingStates.remove(Optional.ofNullable(q.get("state")).orElse(""))) {
                reply(exchange, 400, error("bad_request", "unknown or used install state"));
                return;
            }
            try {
                Installation installation = suite.install(authCode);
                installed(installation);
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("corpId", installation.corpId());
                ok.put("corpName", installation.corpName());
                reply(exchange, 200, ok);
            } catch (WeComApiException e) {
                reply(exchange, 502, error("install_failed", "WeCom refused the install (errcode " + e.errcode()
                        + ")"));
            }
        }
    }

    private void login(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                body = bytes.length > MAX_BODY_BYTES ? null : JSON.readTree(bytes);
            } catch (IOException e) {
                body = null;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || body == null || !body.path("code").isTextual()) {
                reply(exchange, 400, error("bad_request", "POST a JSON body {\"code\": ...} with the code from"
                        + " wx.qy.login"));
                return;
            }
            try {
                SuiteSession session = suite.login(body.get("code").asText());
                Member member = suite.corp(session.corpId()).getUser(session.userId());
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("token", sessionTokens.issue(session.corpId(), session.userId()));
                ok.put("corpId", session.corpId());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("userId", member.userId());
                m.put("openUserId", session.openUserId().orElse(null));
                m.put("department", member.department());
                ok.put("member", m);
                reply(exchange, 200, ok);
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error("bad_request", "the code is malformed"));
            } catch (InvalidCodeException e) {
                reply(exchange, 401, error("invalid_code", "The login code was used already or is older than five"
                        + " minutes: call wx.qy.login again."));
            } catch (CorpNotAuthorizedException e) {
                Map<String, Object> refused = error("not_installed", "Your corp has not installed this app: ask its"
                        + " WeCom admin to install it.");
                refused.put("corpId", e.corpId());
                reply(exchange, 403, refused);
            } catch (NoPrivilegeException e) {
                reply(exchange, 403, error("no_privilege", "You are outside this app's visible range."));
            } catch (SuiteTicketMissingException e) {
                LOG.warn("login unavailable: {}", e.getMessage());
                reply(exchange, 503, error("unavailable", "The service is starting; try again shortly."));
            } catch (WeComException e) {
                LOG.warn("login failed: {}", e.getMessage());
                reply(exchange, e.retryable() ? 503 : 502, error("wecom_error", "WeCom refused the login."));
            }
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
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
}
