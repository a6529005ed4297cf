package io.github.wecomkit.suite;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.internal.ApiCaller;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.internal.ApiReply;
import io.github.wecomkit.internal.ClientRuntime;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.internal.TokenManager;
import io.github.wecomkit.internal.TokenedCaller;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.token.TokenStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * The provider-level client (服务商): calls the APIs that take the {@code provider_access_token}, fetched with
 * {@code service/get_provider_token} (a POST of the provider's corp id and {@code provider_secret}) on the same
 * token lifecycle as every other token: one fetch per token lifetime across the instances sharing the token store,
 * refreshed ahead, a rejected token dropped only if still current and the call retried once. Reached from
 * {@link SuiteClient#provider()}; it shares the suite client's connection pool and token store.
 *
 * <pre>{@code
 * SuiteClient suite = SuiteClient.builder()....provider(providerCorpId, System.getenv("PROVIDER_SECRET")).build();
 * String openCorpId = suite.provider().openCorpId(corpId);
 * String json = suite.provider().post("service/get_login_info", "{\"auth_code\":\"...\"}");
 * }</pre>
 */
public final class ProviderClient {
    static final String API_PROVIDER_TOKEN = "service/get_provider_token";
    static final String API_OPEN_CORP_ID = "service/corpid_to_opencorpid";
    private static final ObjectReader RAW = SuiteReplies.JSON.readerFor(Raw.class);

    private final String corpId;
    private final TokenManager tokens;
    private final TokenedCaller calls;

    ProviderClient(ClientRuntime runtime, String corpId, String secret, Clock clock) {
        this.corpId = corpId;
        ApiCaller caller = runtime.caller(corpId);
        this.tokens = runtime.tokenManager("provider_access_token:" + corpId + ":" + Inputs.shortHash(secret), corpId,
                TokenKind.PROVIDER, () -> {
                    Instant issuedAt = clock.instant();
                    SuiteReplies.ProviderToken t = caller.post(API_PROVIDER_TOKEN, Resend.IDEMPOTENT,
                            SuiteReplies.PROVIDER_TOKEN, SuiteReplies.body("corpid", corpId, "provider_secret", secret),
                            new String[] {secret});
                    return SuiteClient.token(t.providerAccessToken, t.expiresIn, issuedAt, API_PROVIDER_TOKEN,
                            "provider_access_token");
                });
        this.calls = new TokenedCaller(caller, tokens, "provider_access_token", ProviderClient::isTokenRejection);
    }

    /**
     * 40082 invalid (WeCom's text names the provider token too) and 42009 expired: the provider token must be
     * replaced. Which code WeCom sends for an expired provider token is not documented; 42009 is the suite token's.
     */
    private static boolean isTokenRejection(int errcode) {
        return errcode == WeComErrorCode.INVALID_SUITE_TOKEN.code()
                || errcode == WeComErrorCode.SUITE_TOKEN_EXPIRED.code();
    }

    /** @return the provider's own corp id */
    public String corpId() {
        return corpId;
    }

    /**
     * Converts an authorised corp's corp id to the provider's encrypted one ({@code service/corpid_to_opencorpid}).
     *
     * @param corpId a corp that authorised one of the provider's apps
     * @return its {@code open_corpid}
     * @throws io.github.wecomkit.error.WeComApiException any errcode
     */
    public String openCorpId(String corpId) {
        Inputs.require("corpId", corpId);
        SuiteReplies.OpenCorpId r = calls.post(API_OPEN_CORP_ID, Resend.IDEMPOTENT, SuiteReplies.OPEN_CORP_ID,
                SuiteReplies.body("corpid", corpId), new String[0]);
        if (SuiteReplies.isBlank(r.openCorpid)) {
            throw new WeComDecodeException("WeCom's answer lacks open_corpid", API_OPEN_CORP_ID, null);
        }
        return r.openCorpid;
    }

    /**
     * POSTs a JSON body to any provider-level API with the provider token in the query, for the APIs wecomkit has
     * no method for. A non-zero errcode becomes the typed exception, as everywhere. Not retried after a transport
     * failure that may have reached WeCom: the API may have effects.
     *
     * @param api      the path after {@code /cgi-bin/}, e.g. {@code service/get_login_info}
     * @param jsonBody a JSON object
     * @return WeCom's JSON answer
     * @throws IllegalArgumentException if {@code api} is not a bare path or the body is not a JSON object
     * @throws io.github.wecomkit.error.WeComApiException any errcode
     */
    public String post(String api, String jsonBody) {
        Inputs.require("api", api);
        Objects.requireNonNull(jsonBody, "jsonBody == null");
        if (api.startsWith("/") || api.contains("?") || api.contains("#")) {
            throw new IllegalArgumentException("api must be the path after /cgi-bin/, without a query");
        }
        JsonNode body;
        try {
            body = SuiteReplies.JSON.readTree(jsonBody);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("jsonBody is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("jsonBody must be a JSON object");
        }
        Raw r = calls.post(api, Resend.ONLY_IF_NOT_SENT, RAW, jsonBody.getBytes(StandardCharsets.UTF_8), new String[0]);
        return r.json;
    }

    /** @return what this client knows about the provider token; never calls WeCom or a store */
    public TokenStatus tokenStatus() {
        return tokens.status();
    }

    /** @return the provider corp id; never the secret or a token */
    @Override
    public String toString() {
        return "ProviderClient{corpId=" + corpId + "}";
    }

    /** Any answer, kept as its JSON text, with the errcode read for the error mapping. */
    @JsonDeserialize(using = RawDeserializer.class)
    static final class Raw extends ApiReply {
        String json;
    }

    static final class RawDeserializer extends StdDeserializer<Raw> {
        private static final long serialVersionUID = 1L;

        RawDeserializer() {
            super(Raw.class);
        }

        @Override
        public Raw deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = p.readValueAsTree();
            Raw r = new Raw();
            r.errcode = tree.path("errcode").asInt(0);
            r.errmsg = tree.path("errmsg").asText("");
            r.json = tree.toString();
            return r;
        }
    }
}
