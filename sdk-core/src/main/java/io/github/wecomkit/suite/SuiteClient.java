package io.github.wecomkit.suite;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.SuiteTicketEvent;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.internal.ApiCaller;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.internal.ApiReply;
import io.github.wecomkit.internal.ClientRuntime;
import io.github.wecomkit.internal.DaemonExecutors;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.internal.Internals;
import io.github.wecomkit.internal.TokenManager;
import io.github.wecomkit.internal.TokenedCaller;
import io.github.wecomkit.observe.TokenKind;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.TokenStatus;
import io.github.wecomkit.token.TokenStore;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client for one suite (套件) of a WeCom service provider (服务商): keeps the {@code suite_access_token} fresh
 * from the {@code suite_ticket} WeCom pushes, turns installations into stored permanent codes, logs members in
 * through the provider's {@code jscode2session}, and gives a {@link WeComClient} per authorised corp, all on one
 * connection pool and one token store. Thread-safe: build one per suite at start-up and share it.
 *
 * <pre>{@code
 * SuiteClient suite = SuiteClient.builder()
 *         .suiteId("ww0123456789suite")
 *         .suiteSecret(System.getenv("SUITE_SECRET"))
 *         .ticketStore(RedisSuiteTicketStore.create(redisUri))
 *         .permanentCodeStore(RedisPermanentCodeStore.create(redisUri))
 *         .tokenStore(RedisTokenStore.create(redisUri))
 *         .build();
 *
 * suite.saveTicket(ticketEvent);                             // from the command URL (SuiteCallbackHandler does it)
 * String url = suite.installUrl(redirectUri, state, AuthType.FORMAL);   // send the admin there
 * Installation installed = suite.install(authCode);          // from the redirect, or the create_auth command
 * SuiteSession session = suite.login(code);                  // service/miniprogram/jscode2session
 * Member member = suite.corp(session.corpId()).getUser(session.userId());
 * }</pre>
 *
 * <p><b>Which call gives a corp's access token.</b> A third-party app (suite id {@code ww…}/{@code wx…}): the
 * suite token and the corp's permanent code, through {@code service/get_corp_token}. A 代开发 customised app
 * (template id {@code dk…}, built with {@link Builder#customizedApp(boolean) customizedApp(true)}): plain
 * {@code gettoken} with the corp id and the permanent code as the {@code corpsecret}. {@link #corp(String)} picks
 * the right one; either way the token follows the same lifecycle as a {@link WeComClient}'s (one fetch per token
 * lifetime per corp, across a fleet sharing the token store).
 *
 * <p>Suite tokens rejected by WeCom (42009 expired, 40082 invalid) are dropped only if still current and the call
 * is retried once, as for corp tokens (40014, 42001).
 */
public final class SuiteClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SuiteClient.class);

    /** WeCom's install page, where an install link sends a corp's admin. */
    public static final String INSTALL_PAGE = "https://open.work.weixin.qq.com/3rdapp/install";
    /**
     * How long {@link #corp(String)} trusts that a corp it served is still authorised before it looks at the
     * {@link PermanentCodeStore} again: a corp cancelled on another instance stops being served within this time.
     */
    public static final Duration AUTHORIZATION_RECHECK = Duration.ofMinutes(1);

    static final String API_SUITE_TOKEN = "service/get_suite_token";
    static final String API_PRE_AUTH_CODE = "service/get_pre_auth_code";
    static final String API_SET_SESSION_INFO = "service/set_session_info";
    static final String API_AUTH_INFO = "service/get_auth_info";
    static final String API_CORP_TOKEN = "service/get_corp_token";
    static final String API_JSCODE2SESSION = "service/miniprogram/jscode2session";
    static final String API_GET_TOKEN = "gettoken";

    /** WeCom's rule for {@code state}: letters and digits, at most 128 bytes. */
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9]{0,128}");
    private static final String[] NO_SECRETS = {};

    private final ClientRuntime runtime;
    private final String suiteId;
    private final boolean customizedApp;
    private final SuiteTicketStore tickets;
    private final PermanentCodeStore codes;
    private final TokenStore tokenStore;
    private final Clock clock;
    private final String suiteTokenKey;
    private final TokenManager suiteTokens;
    private final TokenedCaller suiteApi;
    private final ProviderClient provider;
    private final ConcurrentHashMap<String, Corp> corps = new ConcurrentHashMap<>();
    private final String description;
    private volatile boolean closed;

    private SuiteClient(Builder b, ClientRuntime runtime) {
        this.runtime = runtime;
        this.suiteId = b.suiteId;
        this.customizedApp = b.customizedApp;
        this.tickets = b.ticketStore;
        this.codes = b.permanentCodeStore;
        this.tokenStore = b.tokenStore;
        this.clock = b.clock;
        String secret = b.suiteSecret;
        ApiCaller caller = runtime.caller(suiteId);
        this.suiteTokenKey = "suite_access_token:" + suiteId + ":" + Inputs.shortHash(secret);
        this.suiteTokens = runtime.tokenManager(suiteTokenKey, suiteId, TokenKind.SUITE,
                () -> fetchSuiteToken(caller, secret));
        this.suiteApi = new TokenedCaller(caller, suiteTokens, "suite_access_token", SuiteClient::isSuiteTokenRejection);
        this.provider = b.providerCorpId == null ? null
                : new ProviderClient(runtime, b.providerCorpId, b.providerSecret, clock);
        this.description = "SuiteClient{suiteId=" + suiteId + ", customizedApp=" + customizedApp + ", baseUrl="
                + runtime.settings().baseUrl() + ", ticketStore=" + tickets.getClass().getSimpleName()
                + ", permanentCodeStore=" + codes.getClass().getSimpleName() + ", tokenStore="
                + tokenStore.getClass().getSimpleName() + "}";
    }

    /** @return a builder; {@code suiteId}, {@code suiteSecret} and {@code permanentCodeStore} are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the suite id ({@code ww…}, or {@code dk…} for a 代开发 template) */
    public String suiteId() {
        return suiteId;
    }

    /** @return whether this suite is a 代开发 template whose corps' tokens come from {@code gettoken} */
    public boolean customizedApp() {
        return customizedApp;
    }

    // ---- the suite ticket and token --------------------------------------------------------------------

    /**
     * Keeps a ticket WeCom pushed to the command URL, if it is for this suite and newer than the one held
     * (WeCom's pushes may arrive out of order, and on different instances). {@link SuiteCallbackHandler} calls
     * this for every {@code suite_ticket} command.
     *
     * @param event the decrypted {@code suite_ticket} command
     * @return whether the ticket is now the newest one; {@code false} for an older one, an expired one, or one of
     *     another suite (refused, with a warning: a command URL shared by two suites is a misconfiguration)
     */
    public boolean saveTicket(SuiteTicketEvent event) {
        checkOpen();
        Objects.requireNonNull(event, "event == null");
        if (!suiteId.equals(event.suiteId())) {
            LOG.warn("refused a suite_ticket of another suite: expected suiteId={}, got suiteId={}", suiteId,
                    event.suiteId());
            return false;
        }
        boolean newest = tickets.offer(SuiteTicket.of(event));
        LOG.debug("suite_ticket pushed at {} for suite {}: {}", event.timestamp(), suiteId,
                newest ? "kept as the newest" : "older than the one held, ignored");
        return newest;
    }

    /** @return what this client knows about its suite token, for health checks; never calls WeCom or a store */
    public TokenStatus suiteTokenStatus() {
        return suiteTokens.status();
    }

    private AccessToken fetchSuiteToken(ApiCaller caller, String secret) {
        SuiteTicket ticket = tickets.newest(suiteId).orElseThrow(() -> SuiteTicketMissingException.none(suiteId));
        try {
            return requestSuiteToken(caller, secret, ticket);
        } catch (WeComApiException e) {
            if (e.errcode() != WeComErrorCode.INVALID_SUITE_TICKET.code()) {
                throw e;
            }
            // A newer push may have landed while this request was under way: try it once before giving up.
            Optional<SuiteTicket> newer = tickets.newest(suiteId).filter(t -> t.isNewerThan(ticket));
            if (newer.isEmpty()) {
                throw SuiteTicketMissingException.refused(suiteId, ticket.pushedAt(), e);
            }
            return requestSuiteToken(caller, secret, newer.get());
        }
    }

    private AccessToken requestSuiteToken(ApiCaller caller, String secret, SuiteTicket ticket) {
        Instant issuedAt = clock.instant();
        SuiteReplies.SuiteToken t = caller.post(API_SUITE_TOKEN, Resend.IDEMPOTENT, SuiteReplies.SUITE_TOKEN,
                SuiteReplies.body("suite_id", suiteId, "suite_secret", secret, "suite_ticket", ticket.value()),
                new String[] {secret, ticket.value()});
        return token(t.suiteAccessToken, t.expiresIn, issuedAt, API_SUITE_TOKEN, "suite_access_token");
    }

    static AccessToken token(String value, long expiresIn, Instant issuedAt, String api, String field) {
        if (SuiteReplies.isBlank(value) || expiresIn <= 0) {
            throw new WeComDecodeException("WeCom's answer lacks " + field + " or a positive expires_in", api, null);
        }
        return AccessToken.of(value, issuedAt, issuedAt.plusSeconds(expiresIn));
    }

    /**
     * Every call made with the suite token comes through here. Without a token in hand (a cold start, or after a
     * rejection), a missing ticket is reported before the token lifecycle starts a fetch: a fetch failed for a
     * ticket that has not arrived yet would back off and keep failing for a while after it did arrive.
     */
    private <T> T withSuiteToken(Supplier<T> call) {
        if (suiteTokens.status().state() == TokenStatus.State.ABSENT && tickets.newest(suiteId).isEmpty()
                && storedSuiteToken().isEmpty()) {
            throw SuiteTicketMissingException.none(suiteId);
        }
        return call.get();
    }

    private Optional<AccessToken> storedSuiteToken() {
        try {
            return tokenStore.get(suiteTokenKey);
        } catch (RuntimeException e) {
            return Optional.empty(); // the token lifecycle reports a failing store itself
        }
    }

    private <T extends ApiReply> T suitePost(String api, Resend resend, ObjectReader reader, byte[] body,
                                             String... bodySecrets) {
        return withSuiteToken(() -> suiteApi.post(api, resend, reader, body, bodySecrets));
    }

    /** 42009 (expired) and 40082 (invalid): the suite token must be replaced. */
    private static boolean isSuiteTokenRejection(int errcode) {
        return errcode == WeComErrorCode.SUITE_TOKEN_EXPIRED.code()
                || errcode == WeComErrorCode.INVALID_SUITE_TOKEN.code();
    }

    // ---- installation -----------------------------------------------------------------------------------

    /**
     * Fetches a pre-authorisation code ({@code service/get_pre_auth_code}) for an install link.
     *
     * @return the code and its expiry (20 minutes)
     * @throws SuiteTicketMissingException no suite ticket has arrived yet
     * @throws io.github.wecomkit.error.InvalidCredentialException the suite secret is wrong (40080)
     * @throws io.github.wecomkit.error.WeComApiException any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException WeCom could not be reached
     */
    public PreAuthCode preAuthCode() {
        checkOpen();
        Instant issuedAt = clock.instant();
        SuiteReplies.PreAuth r = withSuiteToken(() -> suiteApi.get(API_PRE_AUTH_CODE, Resend.IDEMPOTENT,
                SuiteReplies.PRE_AUTH_CODE));
        if (SuiteReplies.isBlank(r.preAuthCode) || r.expiresIn <= 0) {
            throw new WeComDecodeException("WeCom's answer lacks pre_auth_code or a positive expires_in",
                    API_PRE_AUTH_CODE, null);
        }
        return new PreAuthCode(r.preAuthCode, issuedAt.plusSeconds(r.expiresIn));
    }

    /**
     * Sets what an install link with this pre-authorisation code grants ({@code service/set_session_info}): a
     * test authorisation is needed to install an app that is not yet on WeCom's market.
     *
     * @param preAuthCode the code
     * @param authType    formal or test
     * @throws io.github.wecomkit.error.WeComApiException 42007 if the code expired, or any other errcode
     */
    public void setSessionInfo(PreAuthCode preAuthCode, AuthType authType) {
        checkOpen();
        Objects.requireNonNull(preAuthCode, "preAuthCode == null");
        Objects.requireNonNull(authType, "authType == null");
        suitePost(API_SET_SESSION_INFO, Resend.IDEMPOTENT, SuiteReplies.OK, SuiteReplies.body(
                "pre_auth_code", preAuthCode.value(), "session_info", Map.of("auth_type", authType.code())),
                preAuthCode.value());
    }

    /**
     * Builds the install link for a pre-authorisation code:
     * {@code https://open.work.weixin.qq.com/3rdapp/install?suite_id=…&pre_auth_code=…&redirect_uri=…&state=…},
     * each value URL-encoded once. After the admin confirms, WeCom redirects to
     * {@code redirectUri?auth_code=…&expires_in=600&state=…}; check the state, then call {@link #install(String)}.
     *
     * @param preAuthCode the code
     * @param redirectUri where WeCom sends the admin back: an absolute http(s) URL on a domain set for the suite
     * @param state       letters and digits, at most 128 (WeCom's rule), {@code ""} for none; bind it to the admin's
     *                    session to stop forged redirects
     * @return the link
     * @throws IllegalArgumentException naming the argument that breaks WeCom's rules
     */
    public String installUrl(PreAuthCode preAuthCode, String redirectUri, String state) {
        Objects.requireNonNull(preAuthCode, "preAuthCode == null");
        checkRedirectUri(redirectUri);
        checkState(state);
        return INSTALL_PAGE + "?suite_id=" + encode(suiteId) + "&pre_auth_code=" + encode(preAuthCode.value())
                + "&redirect_uri=" + encode(redirectUri) + "&state=" + encode(state);
    }

    /**
     * Fetches a pre-authorisation code, sets the authorisation type and builds the install link: the three steps
     * of an install from the provider's own site, in one call.
     *
     * @param redirectUri where WeCom sends the admin back with {@code auth_code} and {@code state}
     * @param state       letters and digits, at most 128, {@code ""} for none
     * @param authType    formal, or test for an app not yet on the market
     * @return the link to send the admin to (valid for the pre-authorisation code's 20 minutes)
     * @throws IllegalArgumentException naming the argument that breaks WeCom's rules, before any call
     * @throws SuiteTicketMissingException no suite ticket has arrived yet
     * @throws io.github.wecomkit.error.WeComApiException any errcode
     */
    public String installUrl(String redirectUri, String state, AuthType authType) {
        checkRedirectUri(redirectUri);
        checkState(state);
        Objects.requireNonNull(authType, "authType == null");
        PreAuthCode pre = preAuthCode();
        try {
            setSessionInfo(pre, authType);
        } catch (WeComApiException e) {
            if (e.errcode() != WeComErrorCode.PRE_AUTH_CODE_EXPIRED.code()) {
                throw e;
            }
            pre = preAuthCode(); // expired between the two calls: a new one, once
            setSessionInfo(pre, authType);
        }
        return installUrl(pre, redirectUri, state);
    }

    /**
     * Completes an installation with {@link PermanentCodeApi#V1}: see {@link #install(String, PermanentCodeApi)}.
     *
     * @param authCode the {@code auth_code} from the install redirect or the {@code create_auth} command
     * @return the installation
     */
    public Installation install(String authCode) {
        return install(authCode, PermanentCodeApi.V1);
    }

    /**
     * Completes an installation: exchanges the auth code (single-use, valid 10 minutes) for the corp's permanent
     * code, stores the code in the {@link PermanentCodeStore}, and from then on serves the corp through
     * {@link #corp(String)}. With {@link PermanentCodeApi#V1} the corp's first access token from the answer is
     * stored as well. The auth code is sent once only, never re-sent after a transport failure that may have
     * reached WeCom.
     *
     * @param authCode the {@code auth_code}
     * @param api      which {@code get_permanent_code} to call
     * @return the installation (the permanent code is in it, and stored already)
     * @throws io.github.wecomkit.error.WeComApiException 40078 if the auth code is invalid or used, or any other
     *                                                    errcode
     */
    public Installation install(String authCode, PermanentCodeApi api) {
        checkOpen();
        Inputs.require("authCode", authCode);
        Objects.requireNonNull(api, "api == null");
        Instant issuedAt = clock.instant();
        SuiteReplies.PermanentCode r = suitePost(api.path(), Resend.ONLY_IF_NOT_SENT, SuiteReplies.PERMANENT_CODE,
                SuiteReplies.body("auth_code", authCode), authCode);
        String corpId = r.authCorpInfo == null ? null : r.authCorpInfo.corpid;
        if (SuiteReplies.isBlank(r.permanentCode) || SuiteReplies.isBlank(corpId)) {
            throw new WeComDecodeException("WeCom's answer lacks permanent_code or auth_corp_info.corpid", api.path(),
                    null);
        }
        Inputs.require("auth_corp_info.corpid", corpId);
        codes.put(suiteId, corpId, r.permanentCode);
        if (api == PermanentCodeApi.V1 && !SuiteReplies.isBlank(r.accessToken) && r.expiresIn > 0) {
            AccessToken first = AccessToken.of(r.accessToken, issuedAt, issuedAt.plusSeconds(r.expiresIn));
            try {
                tokenStore.put(corpTokenKey(corpId), first);
            } catch (RuntimeException e) {
                LOG.debug("could not store the corp token from get_permanent_code: {}", e.getClass().getSimpleName());
            }
        }
        corps.computeIfPresent(corpId, (id, c) -> c.checked(clock.millis()));
        LOG.info("suite {} installed in corp {}", suiteId, corpId);
        return new Installation(corpId, SuiteReplies.orEmpty(r.authCorpInfo.corpName), r.permanentCode,
                SuiteReplies.orEmpty(r.state), r.authUserInfo == null ? null : r.authUserInfo.toInstaller(),
                api == PermanentCodeApi.V1 ? r.toAuthInfo() : null);
    }

    /**
     * Reads what a corp granted the suite ({@code service/get_auth_info}): call it after a {@code change_auth}
     * command, or after {@link PermanentCodeApi#V2}.
     *
     * @param corpId an authorised corp
     * @return the corp and its authorised agents
     * @throws CorpNotAuthorizedException no permanent code is stored for the corp
     * @throws io.github.wecomkit.error.WeComApiException 40084 or 48004 if WeCom no longer accepts the code, or
     *                                                    any other errcode
     */
    public AuthInfo authInfo(String corpId) {
        checkOpen();
        Inputs.require("corpId", corpId);
        String code = permanentCode(corpId);
        SuiteReplies.AuthInfoReply r = suitePost(API_AUTH_INFO, Resend.IDEMPOTENT, SuiteReplies.AUTH_INFO,
                SuiteReplies.body("auth_corpid", corpId, "permanent_code", code), code);
        return r.toAuthInfo();
    }

    // ---- authorised corps -------------------------------------------------------------------------------

    /**
     * The client for an authorised corp: {@code getUser} and every other corp API, with the corp's access token
     * from {@code service/get_corp_token} (a 代开发 suite: {@code gettoken}), cached per corp on this suite's
     * token store and connection pool. Clients are made on first use and kept; a corp cancelled on another
     * instance is noticed within {@link #AUTHORIZATION_RECHECK}. Do not close the returned client: the suite owns
     * it, and {@link #close()} closes it.
     *
     * @param corpId the corp
     * @return its client
     * @throws CorpNotAuthorizedException the {@link PermanentCodeStore} holds no code for the corp
     */
    public WeComClient corp(String corpId) {
        checkOpen();
        Inputs.require("corpId", corpId);
        long now = clock.millis();
        Corp c = corps.get(corpId);
        if (c != null && now - c.checkedAtMillis < AUTHORIZATION_RECHECK.toMillis()) {
            return c.client;
        }
        if (codes.get(suiteId, corpId).isEmpty()) {
            forget(corpId);
            throw new CorpNotAuthorizedException(suiteId, corpId);
        }
        return corps.compute(corpId, (id, old) -> old != null ? old.checked(now) : newCorp(id, now)).client;
    }

    /**
     * Serves a corp whose permanent code the application kept elsewhere (its own database): stores the code in
     * the {@link PermanentCodeStore}. Corps can be added and removed while the client runs.
     *
     * @param corpId        the corp
     * @param permanentCode its permanent code
     */
    public void addCorp(String corpId, String permanentCode) {
        checkOpen();
        Inputs.require("corpId", corpId);
        Inputs.require("permanentCode", permanentCode);
        codes.put(suiteId, corpId, permanentCode);
        corps.computeIfPresent(corpId, (id, c) -> c.checked(clock.millis()));
    }

    /**
     * Stops serving a corp (it cancelled the authorisation: {@code cancel_auth}): removes its permanent code from
     * the {@link PermanentCodeStore}, drops its access token from the token store so no instance keeps using it,
     * and closes its client here.
     *
     * @param corpId the corp
     * @return whether the corp was known (a code was stored or a client was open)
     */
    public boolean removeCorp(String corpId) {
        checkOpen();
        Inputs.require("corpId", corpId);
        boolean hadCode = codes.remove(suiteId, corpId);
        boolean hadClient = forget(corpId);
        String key = corpTokenKey(corpId);
        try {
            tokenStore.get(key).ifPresent(t -> tokenStore.invalidate(key, t.value()));
        } catch (RuntimeException e) {
            LOG.warn("could not drop the access token of cancelled corp {} from the token store: {}", corpId,
                    e.getClass().getSimpleName());
        }
        LOG.info("suite {} no longer serves corp {}", suiteId, corpId);
        return hadCode || hadClient;
    }

    /**
     * @param corpId a corp
     * @return whether the corp has authorised the suite (a client is open for it, or a code is stored)
     */
    public boolean isAuthorized(String corpId) {
        Inputs.require("corpId", corpId);
        Corp c = corps.get(corpId);
        if (c != null && clock.millis() - c.checkedAtMillis < AUTHORIZATION_RECHECK.toMillis()) {
            return true;
        }
        return codes.get(suiteId, corpId).isPresent();
    }

    private boolean forget(String corpId) {
        Corp c = corps.remove(corpId);
        if (c != null) {
            c.client.close();
        }
        return c != null;
    }

    private String permanentCode(String corpId) {
        return codes.get(suiteId, corpId).orElseThrow(() -> new CorpNotAuthorizedException(suiteId, corpId));
    }

    /** The store key of a corp's token for this suite: ids only, no credential. */
    String corpTokenKey(String corpId) {
        return "suite_corp_token:" + suiteId + ":" + corpId;
    }

    private Corp newCorp(String corpId, long now) {
        Internals.TokenSource source = customizedApp ? customizedAppToken(corpId) : thirdPartyToken(corpId);
        WeComClient client = Internals.clients().create(runtime, false, corpId, Set.of(corpId),
                corpTokenKey(corpId), source);
        return new Corp(client, now);
    }

    /** A third-party app's corp token: {@code service/get_corp_token} with the suite token and the permanent code. */
    private Internals.TokenSource thirdPartyToken(String corpId) {
        return caller -> () -> {
            String code = permanentCode(corpId);
            Instant issuedAt = clock.instant();
            SuiteReplies.AccessTokenReply t = suitePost(API_CORP_TOKEN, Resend.IDEMPOTENT, SuiteReplies.ACCESS_TOKEN,
                    SuiteReplies.body("auth_corpid", corpId, "permanent_code", code), code);
            return token(t.accessToken, t.expiresIn, issuedAt, API_CORP_TOKEN, "access_token");
        };
    }

    /** A 代开发 customised app's corp token: plain {@code gettoken}, the permanent code being the app's secret. */
    private Internals.TokenSource customizedAppToken(String corpId) {
        return caller -> () -> {
            String code = permanentCode(corpId);
            Instant issuedAt = clock.instant();
            SuiteReplies.AccessTokenReply t = caller.get(API_GET_TOKEN, Resend.IDEMPOTENT, SuiteReplies.ACCESS_TOKEN,
                    "corpid", corpId, "corpsecret", code);
            return token(t.accessToken, t.expiresIn, issuedAt, API_GET_TOKEN, "access_token");
        };
    }

    // ---- provider login ---------------------------------------------------------------------------------

    /**
     * Logs a member in to the provider's mini-program: exchanges a {@code wx.qy.login} code through
     * {@code service/miniprogram/jscode2session} with the suite token, and checks that the member's corp has
     * authorised the suite. Read the member with {@code corp(session.corpId()).getUser(session.userId())}.
     * A 代开发 customised app logs members in through its corp instead: {@code corp(corpId).login(code)}.
     *
     * @param code the code from {@code wx.qy.login}; single-use, valid five minutes, never re-sent
     * @return the member's corp, user id, open user id and session key
     * @throws CorpNotAuthorizedException the member's corp has not installed the app (WeCom then answers an
     *                                    encrypted user id)
     * @throws io.github.wecomkit.error.InvalidCodeException the code was used already or expired (40029)
     * @throws IllegalStateException                         for a 代开发 suite
     * @throws io.github.wecomkit.error.WeComApiException    any other errcode
     */
    public SuiteSession login(String code) {
        checkOpen();
        if (customizedApp) {
            throw new IllegalStateException("a 代开发 customised app logs members in through its corp's own token:"
                    + " use suite.corp(corpId).login(code)");
        }
        Inputs.require("code", code);
        SuiteReplies.Session s = withSuiteToken(() -> suiteApi.get(API_JSCODE2SESSION, Resend.ONLY_IF_NOT_SENT,
                SuiteReplies.SESSION, "js_code", code, "grant_type", "authorization_code"));
        if (SuiteReplies.isBlank(s.corpid) || SuiteReplies.isBlank(s.userid) || SuiteReplies.isBlank(s.sessionKey)) {
            throw new WeComDecodeException("WeCom's answer lacks corpid, userid or session_key", API_JSCODE2SESSION,
                    null);
        }
        if (!isAuthorized(s.corpid)) {
            throw new CorpNotAuthorizedException(suiteId, s.corpid);
        }
        return new SuiteSession(s.corpid, s.userid, SuiteReplies.isBlank(s.openUserid) ? null : s.openUserid,
                s.sessionKey);
    }

    // ---- provider ---------------------------------------------------------------------------------------

    /**
     * The provider-level client, on the same connection pool and token store, for APIs that take the
     * {@code provider_access_token}.
     *
     * @return the provider client
     * @throws IllegalStateException if the builder was not given {@link Builder#provider(String, String)}
     */
    public ProviderClient provider() {
        checkOpen();
        if (provider == null) {
            throw new IllegalStateException("no provider credentials: build the suite client with"
                    + " provider(providerCorpId, providerSecret)");
        }
        return provider;
    }

    // ---- lifecycle --------------------------------------------------------------------------------------

    /**
     * Closes the corps' clients, stops background token refreshes and closes pooled connections. The stores are
     * the caller's and stay open. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        corps.clear();
        runtime.close();
    }

    private void checkOpen() {
        if (closed || runtime.isClosed()) {
            throw new IllegalStateException("this SuiteClient is closed");
        }
    }

    /** @return the suite id, mode, base URL and store types; never a secret, ticket, code or token */
    @Override
    public String toString() {
        return description;
    }

    private static void checkRedirectUri(String redirectUri) {
        Inputs.require("redirectUri", redirectUri);
        URI uri;
        try {
            uri = URI.create(redirectUri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redirectUri is not a URI", e);
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("redirectUri must be an absolute http(s) URL");
        }
    }

    private static void checkState(String state) {
        Objects.requireNonNull(state, "state == null");
        if (!STATE.matcher(state).matches()) {
            throw new IllegalArgumentException("state must be at most 128 letters or digits (WeCom's rule), got "
                    + state.length() + " characters");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A corp's client, and when its authorisation was last confirmed from the store. */
    private static final class Corp {
        final WeComClient client;
        final long checkedAtMillis;

        Corp(WeComClient client, long checkedAtMillis) {
            this.client = client;
            this.checkedAtMillis = checkedAtMillis;
        }

        Corp checked(long now) {
            return new Corp(client, now);
        }
    }

    /**
     * Builds a {@link SuiteClient}. Setters check their argument at once; {@link #build()} checks that the
     * required options were given and fit together.
     *
     * <pre>{@code
     * SuiteClient suite = SuiteClient.builder()
     *         .suiteId("dk0123456789template").suiteSecret(secret)
     *         .customizedApp(true)                          // a 代开发 template: corp tokens from gettoken
     *         .permanentCodeStore(codes)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private String suiteId;
        private String suiteSecret;
        private boolean customizedApp;
        private SuiteTicketStore ticketStore;
        private PermanentCodeStore permanentCodeStore;
        private TokenStore tokenStore;
        private Clock clock = Clock.systemUTC();
        private Executor refreshExecutor;
        /**
         * The transport, timeout, retry, token-margin and listener options, checked and built exactly as a
         * {@link WeComClient}'s (one connection pool for the suite, its provider token and every corp).
         */
        private final WeComClient.Builder shared = WeComClient.builder();
        private String providerCorpId;
        private String providerSecret;

        private Builder() {
        }

        /**
         * @param suiteId the suite id from the provider console: {@code ww…}/{@code wx…} for a third-party app,
         *                {@code dk…} for a 代开发 template; required
         * @return this builder
         */
        public Builder suiteId(String suiteId) {
            this.suiteId = Inputs.require("suiteId", suiteId);
            return this;
        }

        /**
         * @param suiteSecret the suite's secret from the provider console; required. Never logged.
         * @return this builder
         */
        public Builder suiteSecret(String suiteSecret) {
            this.suiteSecret = Inputs.require("suiteSecret", suiteSecret);
            return this;
        }

        /**
         * Declares a 代开发 template: its corps' customised apps get their access tokens from plain
         * {@code gettoken} with the permanent code as the {@code corpsecret} ({@code service/get_corp_token}
         * answers 40084 for them). Default {@code false}; a {@code dk…} suite id requires {@code true}.
         *
         * @param customizedApp whether the suite is a 代开发 template
         * @return this builder
         */
        public Builder customizedApp(boolean customizedApp) {
            this.customizedApp = customizedApp;
            return this;
        }

        /**
         * @param ticketStore where pushed tickets are kept; an {@link InMemorySuiteTicketStore} by default, which
         *                    serves one instance only: a fleet shares one (Redis), since a push lands on one
         *                    instance
         * @return this builder
         */
        public Builder ticketStore(SuiteTicketStore ticketStore) {
            this.ticketStore = Objects.requireNonNull(ticketStore, "ticketStore == null");
            return this;
        }

        /**
         * @param permanentCodeStore where the corps' permanent codes are kept; required, because a code lost is a
         *                           corp that must reinstall ({@link InMemoryPermanentCodeStore} for tests)
         * @return this builder
         */
        public Builder permanentCodeStore(PermanentCodeStore permanentCodeStore) {
            this.permanentCodeStore = Objects.requireNonNull(permanentCodeStore, "permanentCodeStore == null");
            return this;
        }

        /**
         * @param tokenStore where the suite token, the corps' tokens and the provider token are shared; an
         *                   {@link InMemoryTokenStore} on this client's clock by default
         * @return this builder
         */
        public Builder tokenStore(TokenStore tokenStore) {
            this.tokenStore = Objects.requireNonNull(tokenStore, "tokenStore == null");
            return this;
        }

        /**
         * @param baseUrl WeCom's API origin, {@link WeComClient#DEFAULT_BASE_URL} by default
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            shared.baseUrl(baseUrl);
            return this;
        }

        /**
         * @param connectTimeout time to open a connection, 3 s by default; ignored with {@link #httpClient}
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            shared.connectTimeout(connectTimeout);
            return this;
        }

        /**
         * @param requestTimeout time to wait for an answer, 10 s by default
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            shared.requestTimeout(requestTimeout);
            return this;
        }

        /**
         * @param httpClient the caller's own JDK client instead of wecomkit's transport (see
         *                   {@link WeComClient.Builder#httpClient(HttpClient)} for the caveat)
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            shared.httpClient(httpClient);
            return this;
        }

        /**
         * @param clock decides when tokens and tickets are fresh; tests pass a fake one
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            shared.clock(clock);
            return this;
        }

        /**
         * Sends every call through an HTTP proxy with a fixed IP (the provider console's IP whitelist); see
         * {@link WeComClient.Builder#proxy(String, int)}.
         *
         * @param host the proxy's host name or IP
         * @param port its port
         * @return this builder
         */
        public Builder proxy(String host, int port) {
            shared.proxy(host, port);
            return this;
        }

        /**
         * @param username the proxy user; see {@link WeComClient.Builder#proxyCredentials(String, String)}
         * @param password its password; never logged
         * @return this builder
         */
        public Builder proxyCredentials(String username, String password) {
            shared.proxyCredentials(username, password);
            return this;
        }

        /**
         * @param proxySelector chooses the proxy per call; see {@link WeComClient.Builder#proxySelector}
         * @return this builder
         */
        public Builder proxySelector(java.net.ProxySelector proxySelector) {
            shared.proxySelector(proxySelector);
            return this;
        }

        /**
         * Follows the JVM's {@code https.proxyHost}/{@code https.proxyPort} settings; see
         * {@link WeComClient.Builder#systemProxy()}.
         *
         * @return this builder
         */
        public Builder systemProxy() {
            shared.systemProxy();
            return this;
        }

        /**
         * @param sslContext the TLS trust for a private CA or an intercepting proxy; see
         *                   {@link WeComClient.Builder#sslContext}
         * @return this builder
         */
        public Builder sslContext(javax.net.ssl.SSLContext sslContext) {
            shared.sslContext(sslContext);
            return this;
        }

        /**
         * @param retryPolicy when to retry; {@link RetryPolicy#defaults()} unless given
         * @return this builder
         */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            shared.retryPolicy(retryPolicy);
            return this;
        }

        /**
         * @param refreshAhead how long before a token turns expired it is renewed in the background, 5 min by
         *                     default (at most a quarter of its lifetime)
         * @return this builder
         */
        public Builder tokenRefreshAhead(Duration refreshAhead) {
            shared.tokenRefreshAhead(refreshAhead);
            return this;
        }

        /**
         * @param expiryMargin how long before WeCom's stated end a token stops being used, 1 min by default (at
         *                     most a tenth of its lifetime)
         * @return this builder
         */
        public Builder tokenExpiryMargin(Duration expiryMargin) {
            shared.tokenExpiryMargin(expiryMargin);
            return this;
        }

        /**
         * @param listener sees every API attempt, retry, token refresh (suite, corp and provider tokens), lease
         *                 wait and store outage; none by default
         * @return this builder
         */
        public Builder listener(WeComListener listener) {
            shared.listener(listener);
            return this;
        }

        /**
         * @param executor where background token refreshes run; a small shared pool of daemon threads by default
         * @return this builder
         */
        public Builder refreshExecutor(Executor executor) {
            this.refreshExecutor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /**
         * Enables {@link SuiteClient#provider()}: the provider's corp id and {@code provider_secret} (provider
         * console, 服务商信息 → 基本信息). Never logged.
         *
         * @param providerCorpId the provider's own corp id
         * @param providerSecret the provider secret
         * @return this builder
         */
        public Builder provider(String providerCorpId, String providerSecret) {
            this.providerCorpId = Inputs.require("providerCorpId", providerCorpId);
            this.providerSecret = Inputs.require("providerSecret", providerSecret);
            return this;
        }

        /**
         * @return the client
         * @throws IllegalStateException naming the missing or conflicting option
         */
        public SuiteClient build() {
            if (suiteId == null) {
                throw new IllegalStateException("suiteId is required: call suiteId(..) with the suite's id");
            }
            if (suiteSecret == null) {
                throw new IllegalStateException("suiteSecret is required: call suiteSecret(..)");
            }
            if (permanentCodeStore == null) {
                throw new IllegalStateException("permanentCodeStore is required: the corps' permanent codes must"
                        + " outlive the process (a database, RedisPermanentCodeStore; InMemoryPermanentCodeStore"
                        + " for tests)");
            }
            if (suiteId.startsWith("dk") && !customizedApp) {
                throw new IllegalStateException("suite id " + suiteId + " is a 代开发 template (dk…): call"
                        + " customizedApp(true), so that its corps' tokens come from gettoken with the permanent"
                        + " code as the secret (get_corp_token answers 40084 for them)");
            }
            if (ticketStore == null) {
                ticketStore = new InMemorySuiteTicketStore(clock);
            }
            if (tokenStore == null) {
                tokenStore = new InMemoryTokenStore(clock);
            }
            shared.tokenStore(tokenStore)
                    .refreshExecutor(refreshExecutor != null ? refreshExecutor : DaemonExecutors.TOKEN_REFRESH);
            ClientRuntime runtime = Internals.selfBuiltApps().runtime(shared);
            return new SuiteClient(this, runtime);
        }

        /** Never shows a secret. */
        @Override
        public String toString() {
            return "SuiteClient.Builder{suiteId=" + suiteId + ", customizedApp=" + customizedApp + "}";
        }
    }
}
