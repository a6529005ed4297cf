package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider (服务商) endpoints of {@link FakeWeCom}, kept apart so that FakeWeCom stays readable: request
 * shapes and token checks here, each suite's state in its {@link FakeSuite}. The rules follow WeCom's where they
 * are documented, and say so where they are not:
 *
 * <ul>
 *   <li>{@code get_suite_token}, {@code get_provider_token} and the other POST APIs read a JSON body only from a
 *       POST: a GET's body is ignored (so {@code get_suite_token} answers 40083, as WeCom staff explained a 40083),
 *       and a body that is not a JSON object (form fields) answers 47001.</li>
 *   <li>Suite and provider tokens follow {@link FakeWeCom.TokenBehaviour} like corp tokens: within a token's
 *       validity the same token is answered, its validity restarted. An expired suite token gives 42009, an unknown
 *       one 40082. For the provider token WeCom documents neither code: the fake uses the same two
 *       (unconfirmed).</li>
 *   <li>Unknown suite id 40083, wrong suite secret 40080, a ticket WeCom no longer accepts 40085 (see
 *       {@link FakeSuite.TicketRule}), an expired or unknown pre-auth code 42007, an unknown, used or expired auth
 *       code 40078, a wrong permanent code 40084, a cancelled authorisation 48004, a 代开发 template's code at
 *       {@code get_corp_token} 40084 (what users of other SDKs report), a wrong provider secret 40001
 *       (unconfirmed).</li>
 * </ul>
 */
final class FakeProvider {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FakeWeCom wecom;
    private final Map<String, FakeSuite> suites = new ConcurrentHashMap<>();
    private final TokenBook suiteTokens;
    private final TokenBook providerTokens;
    private volatile String providerCorpId;
    private volatile String providerSecret;

    FakeProvider(FakeWeCom wecom) {
        this.wecom = wecom;
        this.suiteTokens = new TokenBook(wecom);
        this.providerTokens = new TokenBook(wecom);
    }

    /** Forgets every suite (with its tickets, codes and installs), every token and the provider's credentials. */
    void reset() {
        suites.clear();
        suiteTokens.clear();
        providerTokens.clear();
        providerCorpId = null;
        providerSecret = null;
    }

    FakeSuite addSuite(String suiteId, String suiteSecret) {
        Objects.requireNonNull(suiteId, "suiteId == null");
        Objects.requireNonNull(suiteSecret, "suiteSecret == null");
        if (suiteId.isBlank() || suiteSecret.isBlank()) {
            throw new IllegalArgumentException("suiteId and suiteSecret must not be blank");
        }
        FakeSuite suite = new FakeSuite(wecom, this, suiteId, suiteSecret);
        if (suites.putIfAbsent(suiteId, suite) != null) {
            throw new IllegalArgumentException("FakeWeCom has suite " + suiteId + " already");
        }
        return suite;
    }

    FakeSuite suite(String suiteId) {
        Objects.requireNonNull(suiteId, "suiteId == null");
        FakeSuite suite = suites.get(suiteId);
        if (suite == null) {
            throw new IllegalArgumentException("FakeWeCom has no suite " + suiteId + "; add it with addSuite");
        }
        return suite;
    }

    void credentials(String corpId, String secret) {
        this.providerCorpId = Objects.requireNonNull(corpId, "corpId == null");
        this.providerSecret = Objects.requireNonNull(secret, "secret == null");
    }

    TokenBook suiteTokens() {
        return suiteTokens;
    }

    TokenBook providerTokens() {
        return providerTokens;
    }

    /** The member's id across the provider's apps: stable per corp and user, and not the userid itself. */
    String openUserId(String corpId, String userId) {
        return "wo" + digest("open_userid|" + corpId + "|" + userId).substring(0, 30);
    }

    static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---- requests ---------------------------------------------------------------------------------------

    Map<String, Object> serve(FakeApi api, HttpExchange exchange, Map<String, String> query, byte[] body) {
        JsonNode json;
        if (api != FakeApi.GET_PRE_AUTH_CODE && api != FakeApi.SERVICE_JSCODE2SESSION) {
            json = jsonBody(exchange, body);
            if (json == null) {
                return wecom.error(exchange, 47001);
            }
        } else {
            json = JsonNodeFactory.instance.objectNode();
        }
        switch (api) {
            case GET_SUITE_TOKEN:
                return suiteToken(exchange, json);
            case GET_PROVIDER_TOKEN:
                return providerToken(exchange, json);
            case CORPID_TO_OPENCORPID:
                return openCorpId(exchange, query, json);
            default:
                break;
        }
        String value = query.get("suite_access_token");
        if (value == null || value.isEmpty()) {
            return wecom.error(exchange, 41001);
        }
        TokenBook.Issued token = suiteTokens.find(value);
        if (token == null) {
            return wecom.error(exchange, 40082);
        }
        if (!wecom.clock().instant().isBefore(token.expiresAt)) {
            return wecom.error(exchange, 42009);
        }
        FakeSuite suite = suites.get(token.owner);
        switch (api) {
            case GET_PRE_AUTH_CODE:
                return suite.preAuthCode(exchange);
            case SET_SESSION_INFO:
                return suite.setSessionInfo(exchange, json);
            case GET_PERMANENT_CODE:
                return suite.permanentCode(exchange, json, false);
            case GET_PERMANENT_CODE_V2:
                return suite.permanentCode(exchange, json, true);
            case GET_AUTH_INFO:
                return suite.authInfo(exchange, json);
            case GET_CORP_TOKEN:
                return suite.corpToken(exchange, json);
            case SERVICE_JSCODE2SESSION:
                return suite.jscode2session(exchange, query);
            default:
                throw new IllegalStateException("unhandled " + api);
        }
    }

    /**
     * The JSON object a POST carried; a GET's body is ignored, as WeCom ignores it.
     *
     * @return the object, or {@code null} for a POST whose body is not a JSON object (47001)
     */
    private static JsonNode jsonBody(HttpExchange exchange, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode json = WeComReplies.JSON.readTree(body);
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || !v.isTextual() ? "" : v.asText();
    }

    private Map<String, Object> suiteToken(HttpExchange exchange, JsonNode json) {
        FakeSuite suite = suites.get(text(json, "suite_id"));
        if (suite == null) {
            return wecom.error(exchange, 40083);
        }
        if (!suite.secret().equals(text(json, "suite_secret"))) {
            return wecom.error(exchange, 40080);
        }
        if (!suite.acceptsTicket(text(json, "suite_ticket"))) {
            return wecom.error(exchange, 40085);
        }
        TokenBook.Issued token = suiteTokens.issue(suite.suiteId());
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("suite_access_token", token.value);
        answer.put("expires_in", wecom.tokenLifetime.toSeconds());
        return answer;
    }

    private Map<String, Object> providerToken(HttpExchange exchange, JsonNode json) {
        String corpId = text(json, "corpid");
        if (corpId.isEmpty()) {
            return wecom.error(exchange, 41002);
        }
        if (!corpId.equals(providerCorpId)) {
            return wecom.error(exchange, 40013);
        }
        if (!text(json, "provider_secret").equals(providerSecret)) {
            return wecom.error(exchange, 40001);
        }
        TokenBook.Issued token = providerTokens.issue(corpId);
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("provider_access_token", token.value);
        answer.put("expires_in", wecom.tokenLifetime.toSeconds());
        return answer;
    }

    private Map<String, Object> openCorpId(HttpExchange exchange, Map<String, String> query, JsonNode json) {
        String value = query.get("provider_access_token");
        if (value == null || value.isEmpty()) {
            return wecom.error(exchange, 41001);
        }
        TokenBook.Issued token = providerTokens.find(value);
        if (token == null) {
            return wecom.error(exchange, 40082);
        }
        if (!wecom.clock().instant().isBefore(token.expiresAt)) {
            return wecom.error(exchange, 42009);
        }
        String corpId = text(json, "corpid");
        if (suites.values().stream().noneMatch(s -> s.isAuthorized(corpId))) {
            return wecom.error(exchange, 48004); // only corps that authorised one of the provider's apps
        }
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("open_corpid", "wpo" + digest("open_corpid|" + providerCorpId + "|" + corpId).substring(0, 29));
        return answer;
    }

    /** Suite or provider tokens, under WeCom's same-token-within-validity rule (or a new one each time). */
    static final class TokenBook {
        private final FakeWeCom wecom;
        private final Map<String, Issued> byValue = new ConcurrentHashMap<>();
        private final Map<String, Issued> currentByOwner = new ConcurrentHashMap<>();

        TokenBook(FakeWeCom wecom) {
            this.wecom = wecom;
        }

        synchronized void clear() {
            byValue.clear();
            currentByOwner.clear();
        }

        synchronized Issued issue(String owner) {
            Instant now = wecom.clock().instant();
            Issued current = currentByOwner.get(owner);
            if (wecom.tokenBehaviour == FakeWeCom.TokenBehaviour.SAME_WITHIN_VALIDITY && current != null
                    && byValue.get(current.value) == current && now.isBefore(current.expiresAt)) {
                current.expiresAt = now.plus(wecom.tokenLifetime);
                return current;
            }
            Issued token = new Issued(random(48), owner, now.plus(wecom.tokenLifetime));
            byValue.put(token.value, token);
            currentByOwner.put(owner, token);
            return token;
        }

        Issued find(String value) {
            return byValue.get(value);
        }

        /** @return how many were revoked; they then get the "invalid token" code */
        synchronized int revoke(String owner) {
            int[] n = {0};
            byValue.values().removeIf(t -> {
                boolean match = t.owner.equals(owner);
                n[0] += match ? 1 : 0;
                return match;
            });
            return n[0];
        }

        java.util.List<String> live(String owner) {
            Instant now = wecom.clock().instant();
            return byValue.values().stream().filter(t -> t.owner.equals(owner) && now.isBefore(t.expiresAt))
                    .map(t -> t.value).toList();
        }

        static final class Issued {
            final String value;
            final String owner;
            volatile Instant expiresAt;

            Issued(String value, String owner, Instant expiresAt) {
                this.value = value;
                this.owner = owner;
                this.expiresAt = expiresAt;
            }
        }
    }
}
