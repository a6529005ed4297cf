package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.testkit.CallbackSender.CallbackResponse;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A service provider's suite on a {@link FakeWeCom}: its {@code suite_ticket} pushes, install links, installations
 * in the fake's corps, and the commands WeCom pushes to the suite's command URL, signed and encrypted with the
 * suite's Token and EncodingAESKey (receive id: the suite id). Made by {@link FakeWeCom#addSuite}. A suite id
 * starting with {@code dk} is a 代开发 template: an installation adds a customised app to the corp whose secret is
 * the permanent code, so plain {@code gettoken} serves it, and {@code get_corp_token} refuses its code (40084).
 *
 * <pre>{@code
 * FakeSuite suite = wecom.addSuite("wwsuite0000000001", "suite-secret")
 *         .commandUrl(backend + "/wecom/suite/command", token, aesKey);
 * suite.pushTicket();                                   // suite_ticket to the command URL
 * String redirect = suite.openInstallUrl(installUrl, "wwcorp");  // the admin confirms: redirect with auth_code
 * suite.installFromMarket("wwother");                   // create_auth to the command URL
 * suite.cancel("wwcorp");                               // cancel_auth
 * }</pre>
 *
 * <p>Times come from the fake's clock: a ticket is accepted for {@link #TICKET_VALIDITY} after its push (which
 * ones, see {@link TicketRule}), a pre-auth code for {@link #PRE_AUTH_CODE_LIFETIME}, an auth code once within
 * {@link #AUTH_CODE_LIFETIME}. Thread-safe.
 */
public final class FakeSuite {
    /** How long WeCom accepts a pushed ticket: 30 minutes (pushes come every 10). */
    public static final Duration TICKET_VALIDITY = Duration.ofMinutes(30);
    /** How long a pre-auth code lives: {@code expires_in} 1200. */
    public static final Duration PRE_AUTH_CODE_LIFETIME = Duration.ofSeconds(1200);
    /** How long an auth code lives: 10 minutes, single use. */
    public static final Duration AUTH_CODE_LIFETIME = Duration.ofMinutes(10);

    /**
     * Which pushed tickets {@code get_suite_token} accepts. WeCom documents a 30-minute validity and says to use
     * the newest ticket; whether an older ticket still inside its 30 minutes is refused once a newer one was
     * pushed is not documented. The fake offers both; a client that always uses the newest passes under both.
     */
    public enum TicketRule {
        /** Any ticket pushed in the last 30 minutes. The default. */
        ANY_WITHIN_VALIDITY,
        /** Only the newest ticket, and only within its 30 minutes. */
        NEWEST_ONLY
    }

    private final FakeWeCom wecom;
    private final FakeProvider provider;
    private final String suiteId;
    private final String secret;
    private final boolean template;
    private final List<Ticket> tickets = new CopyOnWriteArrayList<>();
    private final Map<String, PreAuth> preAuthCodes = new ConcurrentHashMap<>();
    private final Map<String, AuthCode> authCodes = new ConcurrentHashMap<>();
    private final Map<String, Authorization> authorizations = new ConcurrentHashMap<>();
    private volatile TicketRule ticketRule = TicketRule.ANY_WITHIN_VALIDITY;
    private volatile boolean onMarket = true;
    private volatile Command command;

    FakeSuite(FakeWeCom wecom, FakeProvider provider, String suiteId, String secret) {
        this.wecom = wecom;
        this.provider = provider;
        this.suiteId = suiteId;
        this.secret = secret;
        this.template = suiteId.startsWith("dk");
    }

    /** @return the suite id */
    public String suiteId() {
        return suiteId;
    }

    /** @return whether the suite is a 代开发 template (its id starts with {@code dk}) */
    public boolean isTemplate() {
        return template;
    }

    String secret() {
        return secret;
    }

    // ---- configuration ----------------------------------------------------------------------------------

    /**
     * Sets the suite's command URL (指令回调URL) with the Token and EncodingAESKey configured for it; pushes go
     * there from now on. Without one, pushes only change the fake's state.
     *
     * @param url            the backend's command URL
     * @param token          the callback Token (letters and digits, up to 32)
     * @param encodingAesKey the 43-character EncodingAESKey
     * @return this suite
     */
    public FakeSuite commandUrl(String url, String token, String encodingAesKey) {
        Objects.requireNonNull(url, "url == null");
        WeComCallback crypto = WeComCallback.builder().token(token).encodingAesKey(encodingAesKey)
                .receiveIds(suiteId).clock(wecom.clock()).build();
        this.command = new Command(token, encodingAesKey, sender(url, crypto));
        return this;
    }

    /**
     * @param rule which pushed tickets {@code get_suite_token} accepts; {@link TicketRule#ANY_WITHIN_VALIDITY} by
     *             default
     * @return this suite
     */
    public FakeSuite ticketRule(TicketRule rule) {
        this.ticketRule = Objects.requireNonNull(rule, "rule == null");
        return this;
    }

    /**
     * Marks whether the app is on WeCom's app market. An app that is not can be installed only through a link
     * whose pre-auth code was given a test authorisation ({@code set_session_info} with {@code auth_type} 1), as
     * in WeCom. Default {@code true}.
     *
     * @param onMarket whether the app is online
     * @return this suite
     */
    public FakeSuite onMarket(boolean onMarket) {
        this.onMarket = onMarket;
        return this;
    }

    /**
     * @return the URL-verification request WeCom sends when the command URL is saved, from
     *     {@link CallbackSender#verifyUrl()}
     * @throws IllegalStateException if no command URL is set
     */
    public CallbackSender.UrlVerification verifyCommandUrl() {
        return requireCommand().sender.verifyUrl();
    }

    // ---- pushes -----------------------------------------------------------------------------------------

    /**
     * Issues a new ticket, as WeCom does every 10 minutes, and pushes it to the command URL (if set).
     *
     * @return the push; {@link Push#value()} is the ticket
     */
    public Push pushTicket() {
        Instant now = wecom.clock().instant();
        String ticket = FakeProvider.random(32);
        tickets.add(new Ticket(ticket, now));
        return push(ticket, command("suite_ticket", now, "<SuiteTicket><![CDATA[" + ticket + "]]></SuiteTicket>"));
    }

    /**
     * A corp's admin installs the app from WeCom's app market: WeCom pushes {@code create_auth} with a fresh auth
     * code to the command URL (if set).
     *
     * @param corpId a corp of the fake
     * @return the push; {@link Push#value()} is the auth code
     */
    public Push installFromMarket(String corpId) {
        wecom.corp(corpId);
        String authCode = newAuthCode(corpId, "");
        return push(authCode, command("create_auth", wecom.clock().instant(), "<AuthCode><![CDATA[" + authCode
                + "]]></AuthCode><State><![CDATA[]]></State>"));
    }

    /**
     * A corp's admin opens an install link and confirms: checks the link as WeCom's install page does and answers
     * the redirect WeCom sends the browser to, {@code redirect_uri?auth_code=…&expires_in=600&state=…}.
     *
     * @param installUrl the link the provider built
     * @param corpId     the admin's corp, a corp of the fake
     * @return the redirect URL
     * @throws IllegalArgumentException if the link is not for this suite, or lacks a redirect URI
     * @throws IllegalStateException    if the pre-auth code is unknown or expired, or the app is not on the market
     *                                  and the code has no test authorisation
     */
    public String openInstallUrl(String installUrl, String corpId) {
        Objects.requireNonNull(installUrl, "installUrl == null");
        wecom.corp(corpId);
        URI uri = URI.create(installUrl);
        if (!"/3rdapp/install".equals(uri.getPath())) {
            throw new IllegalArgumentException("not an install link (path /3rdapp/install): " + uri.getPath());
        }
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : Optional.ofNullable(uri.getRawQuery()).orElse("").split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!suiteId.equals(q.get("suite_id"))) {
            throw new IllegalArgumentException("the link is for suite " + q.get("suite_id") + ", not " + suiteId);
        }
        String redirect = q.get("redirect_uri");
        if (redirect == null || redirect.isEmpty()) {
            throw new IllegalArgumentException("the link has no redirect_uri");
        }
        PreAuth pre = preAuthCodes.get(Optional.ofNullable(q.get("pre_auth_code")).orElse(""));
        if (pre == null || !wecom.clock().instant().isBefore(pre.expiresAt)) {
            throw new IllegalStateException("WeCom's install page: the pre_auth_code is unknown or expired");
        }
        if (!onMarket && pre.authType != 1) {
            throw new IllegalStateException("WeCom's install page: the app is not online; install it with a test"
                    + " authorisation (set_session_info auth_type=1)");
        }
        String state = Optional.ofNullable(q.get("state")).orElse("");
        String authCode = newAuthCode(corpId, state);
        return redirect + (redirect.contains("?") ? "&" : "?") + "auth_code=" + enc(authCode) + "&expires_in="
                + AUTH_CODE_LIFETIME.toSeconds() + "&state=" + enc(state);
    }

    /**
     * A shortcut for tests that skip the link: the corp's admin confirmed an install, and WeCom issued an auth code.
     *
     * @param corpId a corp of the fake
     * @return the auth code (single use, {@link #AUTH_CODE_LIFETIME})
     */
    public String authorize(String corpId) {
        wecom.corp(corpId);
        return newAuthCode(corpId, "");
    }

    /**
     * The corp changed what it grants the app: WeCom pushes {@code change_auth}.
     *
     * @param corpId an authorised corp
     * @return the push; {@link Push#value()} is the corp id
     */
    public Push changeAuth(String corpId) {
        return push(corpId, command("change_auth", wecom.clock().instant(), "<AuthCorpId><![CDATA[" + corpId
                + "]]></AuthCorpId>"));
    }

    /**
     * The corp removes the app: the authorisation ends (its tokens are revoked, {@code get_corp_token} with its
     * code answers 48004; a 代开发 app's secret stops working) and WeCom pushes {@code cancel_auth}.
     *
     * @param corpId an authorised corp
     * @return the push; {@link Push#value()} is the corp id
     */
    public Push cancel(String corpId) {
        Authorization a = authorizations.get(corpId);
        if (a != null) {
            a.cancelled = true;
            wecom.revokeTokens(a.app);
            if (template) {
                wecom.corp(corpId).removeApp(a.app);
            }
        }
        return push(corpId, command("cancel_auth", wecom.clock().instant(), "<AuthCorpId><![CDATA[" + corpId
                + "]]></AuthCorpId>"));
    }

    // ---- state, for assertions ---------------------------------------------------------------------------

    /**
     * @param corpId a corp
     * @return whether it has authorised the suite (its permanent code was fetched, and it did not cancel)
     */
    public boolean isAuthorized(String corpId) {
        Authorization a = authorizations.get(corpId);
        return a != null && !a.cancelled;
    }

    /**
     * @param corpId a corp
     * @return its current permanent code, if it authorised the suite and did not cancel
     */
    public Optional<String> permanentCode(String corpId) {
        Authorization a = authorizations.get(corpId);
        return a == null || a.cancelled ? Optional.empty() : Optional.of(a.permanentCode);
    }

    /**
     * @param corpId an authorised corp
     * @return the suite's app in that corp ({@link FakeApp#hideMembers} sets its visible range)
     * @throws IllegalStateException if the corp has not authorised the suite
     */
    public FakeApp app(String corpId) {
        Authorization a = authorizations.get(corpId);
        if (a == null || a.cancelled) {
            throw new IllegalStateException("corp " + corpId + " has not authorised suite " + suiteId);
        }
        return a.app;
    }

    /** @return the tickets pushed, oldest first (each a secret a test may look for in logs) */
    public List<String> pushedTickets() {
        List<String> values = new ArrayList<>();
        for (Ticket t : tickets) {
            values.add(t.value);
        }
        return List.copyOf(values);
    }

    /** @return the suite tokens currently valid */
    public List<String> liveSuiteTokens() {
        return provider.suiteTokens().live(suiteId);
    }

    /**
     * Revokes the suite's tokens, as WeCom may: they then get 40082 (invalid suite token).
     *
     * @return how many were revoked
     */
    public int revokeSuiteTokens() {
        return provider.suiteTokens().revoke(suiteId);
    }

    // ---- requests (from FakeProvider) --------------------------------------------------------------------

    boolean acceptsTicket(String value) {
        Instant now = wecom.clock().instant();
        List<Ticket> valid = new ArrayList<>();
        for (Ticket t : tickets) {
            if (now.isBefore(t.pushedAt.plus(TICKET_VALIDITY))) {
                valid.add(t);
            }
        }
        if (ticketRule == TicketRule.NEWEST_ONLY) {
            return !tickets.isEmpty() && tickets.get(tickets.size() - 1).value.equals(value)
                    && valid.contains(tickets.get(tickets.size() - 1));
        }
        return valid.stream().anyMatch(t -> t.value.equals(value));
    }

    Map<String, Object> preAuthCode(HttpExchange exchange) {
        String code = FakeProvider.random(24);
        preAuthCodes.put(code, new PreAuth(wecom.clock().instant().plus(PRE_AUTH_CODE_LIFETIME)));
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("pre_auth_code", code);
        answer.put("expires_in", PRE_AUTH_CODE_LIFETIME.toSeconds());
        return answer;
    }

    Map<String, Object> setSessionInfo(HttpExchange exchange, JsonNode json) {
        PreAuth pre = preAuthCodes.get(FakeProvider.text(json, "pre_auth_code"));
        if (pre == null || !wecom.clock().instant().isBefore(pre.expiresAt)) {
            return wecom.error(exchange, 42007);
        }
        JsonNode authType = json.path("session_info").path("auth_type");
        int type = authType.isMissingNode() ? 0 : authType.asInt(-1);
        if (type != 0 && type != 1) {
            return wecom.error(exchange, 40058);
        }
        pre.authType = type;
        return WeComReplies.ok();
    }

    Map<String, Object> permanentCode(HttpExchange exchange, JsonNode json, boolean v2) {
        AuthCode code = authCodes.remove(FakeProvider.text(json, "auth_code")); // single use
        if (code == null || !wecom.clock().instant().isBefore(code.issuedAt.plus(AUTH_CODE_LIFETIME))) {
            return wecom.error(exchange, 40078);
        }
        Authorization a = authorize(code);
        Map<String, Object> answer = WeComReplies.ok();
        if (!v2) {
            FakeWeCom.IssuedToken token = wecom.issueToken(a.app);
            answer.put("access_token", token.value);
            answer.put("expires_in", wecom.tokenLifetime.toSeconds());
        }
        answer.put("permanent_code", a.permanentCode);
        answer.put("auth_corp_info", v2 ? Map.of("corpid", a.corpId, "corp_name", corpName(a.corpId))
                : corpInfo(a.corpId));
        if (!v2) {
            answer.put("auth_info", authInfo(a));
        }
        answer.put("auth_user_info", Map.of("userid", "admin", "open_userid", provider.openUserId(a.corpId, "admin"),
                "name", "admin", "avatar", ""));
        answer.put("state", code.state);
        return answer;
    }

    Map<String, Object> authInfo(HttpExchange exchange, JsonNode json) {
        Object checked = checkCode(exchange, json);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        Authorization a = (Authorization) checked;
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("auth_corp_info", corpInfo(a.corpId));
        answer.put("auth_info", authInfo(a));
        return answer;
    }

    Map<String, Object> corpToken(HttpExchange exchange, JsonNode json) {
        if (template) {
            // A 代开发 app's token comes from gettoken; users report 40084 here for its permanent code.
            return wecom.error(exchange, 40084);
        }
        Object checked = checkCode(exchange, json);
        if (checked instanceof Map) {
            return errorMap(checked);
        }
        FakeWeCom.IssuedToken token = wecom.issueToken(((Authorization) checked).app);
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("access_token", token.value);
        answer.put("expires_in", wecom.tokenLifetime.toSeconds());
        return answer;
    }

    Map<String, Object> jscode2session(HttpExchange exchange, Map<String, String> query) {
        String jsCode = query.get("js_code");
        if (jsCode == null || jsCode.isEmpty()) {
            return wecom.error(exchange, 41008);
        }
        if (!"authorization_code".equals(query.get("grant_type"))) {
            return wecom.error(exchange, 40058);
        }
        FakeWeCom.IssuedCode code = wecom.takeCode(jsCode);
        if (code == null || !wecom.clock().instant().isBefore(code.issuedAt.plus(FakeWeCom.CODE_LIFETIME))) {
            return wecom.error(exchange, 40029);
        }
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("corpid", code.corpId);
        // WeCom encrypts the userid of a member whose corp has not installed the app.
        answer.put("userid", isAuthorized(code.corpId) ? code.userId
                : "enc_" + FakeProvider.digest("userid|" + suiteId + "|" + code.corpId + "|" + code.userId)
                        .substring(0, 40));
        answer.put("session_key", FakeProvider.random(16));
        answer.put("open_userid", provider.openUserId(code.corpId, code.userId));
        return answer;
    }

    /** @return the live authorisation the body's corp and permanent code name, or the error to answer */
    private Object checkCode(HttpExchange exchange, JsonNode json) {
        String corpId = FakeProvider.text(json, "auth_corpid");
        String permanentCode = FakeProvider.text(json, "permanent_code");
        Authorization a = authorizations.get(corpId);
        if (a == null || permanentCode.isEmpty()) {
            return wecom.error(exchange, 40084);
        }
        if (!a.permanentCode.equals(permanentCode)) {
            return wecom.error(exchange, 40084); // a typo, or the code of an earlier installation
        }
        if (a.cancelled) {
            return wecom.error(exchange, 48004);
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> errorMap(Object checked) {
        return (Map<String, Object>) checked;
    }

    /** A new authorisation, or a renewed one (a reinstall): a new permanent code, the old one no longer valid. */
    private Authorization authorize(AuthCode code) {
        return authorizations.compute(code.corpId, (corpId, old) -> {
            String permanentCode = FakeProvider.random(32);
            FakeCorp corp = wecom.corp(corpId);
            FakeApp app;
            if (template) {
                if (old != null) {
                    corp.removeApp(old.app);
                }
                app = corp.addApp(permanentCode); // the customised app's secret is the permanent code
            } else if (old != null) {
                app = old.app;
            } else {
                app = corp.addApp(FakeProvider.random(24));
                app.thirdParty(true);
            }
            return new Authorization(corpId, permanentCode, app);
        });
    }

    private String newAuthCode(String corpId, String state) {
        String code = FakeProvider.random(48);
        authCodes.put(code, new AuthCode(corpId, state, wecom.clock().instant()));
        return code;
    }

    private String corpName(String corpId) {
        return "Corp " + corpId;
    }

    private Map<String, Object> corpInfo(String corpId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("corpid", corpId);
        c.put("corp_name", corpName(corpId));
        c.put("corp_type", "verified");
        c.put("corp_square_logo_url", "https://p.qlogo.cn/fake/" + corpId);
        c.put("corp_user_max", 200);
        c.put("corp_full_name", corpName(corpId) + " Co., Ltd.");
        c.put("verified_end_time", 1893456000);
        c.put("subject_type", 1);
        c.put("corp_scale", "1-50人");
        c.put("corp_industry", "IT服务");
        c.put("corp_sub_industry", "计算机软件/硬件/信息服务");
        return c;
    }

    private Map<String, Object> authInfo(Authorization a) {
        Map<String, Object> privilege = new LinkedHashMap<>();
        privilege.put("level", 1);
        privilege.put("allow_party", List.of(1));
        privilege.put("allow_user", List.of());
        privilege.put("allow_tag", List.of());
        privilege.put("extra_party", List.of());
        privilege.put("extra_user", List.of());
        privilege.put("extra_tag", List.of());
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("agentid", a.app.agentId());
        agent.put("name", "Fake mini-program");
        agent.put("round_logo_url", "https://p.qlogo.cn/fake/round");
        agent.put("square_logo_url", "https://p.qlogo.cn/fake/square");
        agent.put("appid", "wx0000fake0mini0app");
        agent.put("auth_mode", 0);
        agent.put("is_customized_app", template);
        agent.put("auth_from_thirdapp", false);
        agent.put("privilege", privilege);
        return Map.of("agent", List.of(agent));
    }

    // ---- pushing commands --------------------------------------------------------------------------------

    private String command(String infoType, Instant at, String fields) {
        return "<xml><SuiteId><![CDATA[" + suiteId + "]]></SuiteId><InfoType><![CDATA[" + infoType
                + "]]></InfoType><TimeStamp>" + at.getEpochSecond() + "</TimeStamp>" + fields + "</xml>";
    }

    private Push push(String value, String xml) {
        Command c = command;
        CallbackResponse response = c == null ? null : c.sender.send(xml);
        return new Push(value, xml, response);
    }

    private Command requireCommand() {
        Command c = command;
        if (c == null) {
            throw new IllegalStateException("no command URL: call commandUrl(url, token, aesKey) first");
        }
        return c;
    }

    private CallbackSender sender(String url, WeComCallback crypto) {
        URI uri = URI.create(url);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be absolute: " + url);
        }
        // Commands: ToUserName is the suite id, AgentID is empty. WeCom wants "success" within a second.
        return new CallbackSender(uri, crypto, suiteId, "", wecom.clock(), Duration.ofSeconds(5));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "FakeSuite{suiteId=" + suiteId + ", authorized=" + authorizations.keySet() + "}";
    }

    /**
     * One command WeCom pushed: what it carried, the endpoint's answer, and a way to deliver it again, as WeCom
     * does when an answer was late (behind a load balancer, to another instance).
     *
     * <pre>{@code
     * FakeSuite.Push push = suite.installFromMarket("wwcorp");
     * assertEquals("success", push.response().orElseThrow().body());
     * push.redeliverTo(otherInstance + "/wecom/suite/command");
     * }</pre>
     */
    public final class Push {
        private final String value;
        private final String xml;
        private final CallbackResponse response;

        Push(String value, String xml, CallbackResponse response) {
            this.value = value;
            this.xml = xml;
            this.response = response;
        }

        /** @return the ticket, auth code or corp id the command carried */
        public String value() {
            return value;
        }

        /** @return the command URL's answer, or empty when no command URL is set */
        public Optional<CallbackResponse> response() {
            return Optional.ofNullable(response);
        }

        /** @return the answer of the first delivery; fails if there was none */
        public CallbackResponse answer() {
            if (response == null) {
                throw new IllegalStateException("the command was not delivered: no command URL");
            }
            return response;
        }

        /**
         * Delivers the same command again (newly encrypted, as WeCom's retry is), to the given URL with the
         * suite's Token and EncodingAESKey.
         *
         * @param url another instance's command URL, or the same
         * @return that endpoint's answer
         */
        public CallbackResponse redeliverTo(String url) {
            Command c = requireCommand();
            WeComCallback crypto = WeComCallback.builder().token(c.token).encodingAesKey(c.aesKey).receiveIds(suiteId)
                    .clock(wecom.clock()).build();
            return sender(url, crypto).send(xml);
        }

        @Override
        public String toString() {
            return "FakeSuite.Push{suiteId=" + suiteId + ", status=" + (response == null ? "-" : response.status())
                    + "}";
        }
    }

    private static final class Command {
        final String token;
        final String aesKey;
        final CallbackSender sender;

        Command(String token, String aesKey, CallbackSender sender) {
            this.token = token;
            this.aesKey = aesKey;
            this.sender = sender;
        }
    }

    private static final class Ticket {
        final String value;
        final Instant pushedAt;

        Ticket(String value, Instant pushedAt) {
            this.value = value;
            this.pushedAt = pushedAt;
        }
    }

    private static final class PreAuth {
        final Instant expiresAt;
        volatile int authType;

        PreAuth(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private static final class AuthCode {
        final String corpId;
        final String state;
        final Instant issuedAt;

        AuthCode(String corpId, String state, Instant issuedAt) {
            this.corpId = corpId;
            this.state = state;
            this.issuedAt = issuedAt;
        }
    }

    private static final class Authorization {
        final String corpId;
        final String permanentCode;
        final FakeApp app;
        volatile boolean cancelled;

        Authorization(String corpId, String permanentCode, FakeApp app) {
            this.corpId = corpId;
            this.permanentCode = permanentCode;
            this.app = app;
        }
    }
}
