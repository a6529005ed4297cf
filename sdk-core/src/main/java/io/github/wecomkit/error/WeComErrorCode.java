package io.github.wecomkit.error;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The one table of WeCom error codes wecomkit knows: what each means, whether a retry helps, and which
 * exception a caller catches. Codes not listed still arrive as a {@link WeComApiException} that keeps its code.
 *
 * <pre>{@code
 * WeComErrorCode code = WeComErrorCode.find(e.errcode());
 * if (code != null && code.retry() == WeComErrorCode.Retry.AFTER_WAIT) { ... }
 * }</pre>
 *
 * <p>Sources: WeCom's global error code page and the endpoint pages; the meanings are summaries in our words.
 */
public enum WeComErrorCode {
    SYSTEM_BUSY(-1, Retry.RETRY, Kind.SYSTEM_BUSY, "system busy; retry the same call, at most 3 times"),
    INVALID_SECRET(40001, Retry.NEVER, Kind.CREDENTIAL,
            "invalid secret: use the secret of the mini-program's app in this corp (admin console: App Management,"
                    + " the app, Secret); a reset secret or a disabled app gives this too"),
    INVALID_USER_ID(40003, Retry.NEVER, Kind.PLAIN, "invalid user id"),
    INVALID_CORP_ID(40013, Retry.NEVER, Kind.CREDENTIAL,
            "invalid corp id: use the ww... corp id from the admin console's My Company page, not the"
                    + " mini-program's wx... app id"),
    INVALID_ACCESS_TOKEN(40014, Retry.REFRESH_TOKEN, Kind.PLAIN,
            "invalid access_token: expired, garbled, or the token of another app"
                    + " (a non-mini-program app's secret gives this at jscode2session)"),
    INVALID_CODE(40029, Retry.NEVER, Kind.INVALID_CODE,
            "invalid login code: used already or older than five minutes; call wx.qy.login again, and exchange"
                    + " each code once (one server, one call)"),
    INVALID_AGENT_ID(40056, Retry.NEVER, Kind.PLAIN, "invalid agentid"),
    INVALID_CALLBACK_URL(40057, Retry.NEVER, Kind.PLAIN, "invalid callback URL, or its verification failed"),
    INVALID_PARAMETER(40058, Retry.NEVER, Kind.PLAIN, "invalid parameter: bad JSON, a value too long, or GET for POST"),
    INVALID_AUTH_CODE(40078, Retry.NEVER, Kind.PLAIN, "invalid auth_code: each is single-use"),
    INVALID_SUITE_SECRET(40080, Retry.NEVER, Kind.CREDENTIAL, "invalid suite_secret"),
    INVALID_SUITE_TOKEN(40082, Retry.REFRESH_TOKEN, Kind.PLAIN, "invalid suite_access_token"),
    INVALID_SUITE_ID(40083, Retry.NEVER, Kind.PLAIN, "invalid suite_id (a GET where POST is due gives this too)"),
    INVALID_PERMANENT_CODE(40084, Retry.NEVER, Kind.PLAIN,
            "invalid permanent_code: a typo, a cancelled authorization, or another provider's code"),
    INVALID_SUITE_TICKET(40085, Retry.AFTER_WAIT, Kind.PLAIN, "invalid suite_ticket; use the newest one pushed"),
    SECRET_OF_ANOTHER_CORP(40091, Retry.NEVER, Kind.CREDENTIAL,
            "the secret belongs to another corp: take the corp id and the secret from the same corp"),
    MISSING_ACCESS_TOKEN(41001, Retry.NEVER, Kind.PLAIN, "missing access_token"),
    MISSING_CORP_ID(41002, Retry.NEVER, Kind.PLAIN, "missing corpid"),
    MISSING_SECRET(41004, Retry.NEVER, Kind.PLAIN, "missing secret"),
    ACCESS_TOKEN_EXPIRED(42001, Retry.REFRESH_TOKEN, Kind.PLAIN, "access_token expired"),
    PRE_AUTH_CODE_EXPIRED(42007, Retry.REFRESH_TOKEN, Kind.PLAIN, "pre_auth_code expired; fetch a new one"),
    SUITE_TOKEN_EXPIRED(42009, Retry.REFRESH_TOKEN, Kind.PLAIN, "suite_access_token expired"),
    SESSION_EXPIRED(42013, Retry.NEVER, Kind.PLAIN, "mini-program not logged in or its session expired"),
    FREQUENCY_LIMITED(45009, Retry.AFTER_WAIT, Kind.RATE_LIMITED,
            "API frequency limit; a minute-level block lasts 60 s, an hour-level block 60 min"),
    CONCURRENCY_LIMITED(45033, Retry.AFTER_WAIT, Kind.RATE_LIMITED, "API concurrency limit; back off and lower concurrency"),
    INVALID_REQUEST_BODY(47001, Retry.NEVER, Kind.PLAIN,
            "the request body is not the JSON the API expects (e.g. form fields where a JSON body is due)"),
    API_NOT_AUTHORIZED(48001, Retry.NEVER, Kind.PLAIN, "API not authorized for this app"),
    API_FORBIDDEN(48002, Retry.NEVER, Kind.API_FORBIDDEN,
            "API forbidden for this app, e.g. a mini-program notice sent by an app not bound to a mini-program;"
                    + " use the mini-program app's secret"),
    TOKEN_NOT_FROM_SUITE(48003, Retry.NEVER, Kind.PLAIN, "the token was not issued for this suite"),
    AUTHORIZATION_CANCELLED(48004, Retry.NEVER, Kind.PLAIN, "authorization invalid or cancelled"),
    API_DEPRECATED(48005, Retry.NEVER, Kind.PLAIN, "API deprecated"),
    REDIRECT_URL_NOT_TRUSTED(50001, Retry.NEVER, Kind.PLAIN, "redirect_url not trusted"),
    MEMBER_OUT_OF_SCOPE(50002, Retry.NEVER, Kind.PLAIN, "member outside the authorized scope"),
    NO_PRIVILEGE(60011, Retry.NEVER, Kind.NO_PRIVILEGE,
            "no privilege: the member, department or tag is outside the app's visible range"),
    IP_NOT_ALLOWED(60020, Retry.NEVER, Kind.IP_NOT_ALLOWED,
            "this server's IP is not in the app's trusted IPs: add the IP after \"from ip\" in errmsg to them"
                    + " (admin console: App Management, the app); the setting takes about a minute"),
    USER_ID_EXISTS(60102, Retry.NEVER, Kind.PLAIN, "user id exists already"),
    INVALID_MOBILE(60103, Retry.NEVER, Kind.PLAIN, "invalid mobile number"),
    MOBILE_EXISTS(60104, Retry.NEVER, Kind.PLAIN, "mobile number exists already"),
    USER_NOT_FOUND(60111, Retry.NEVER, Kind.USER_NOT_FOUND,
            "user id not found: left, deleted, not visible, or a plain userid after an id upgrade"),
    ALL_RECIPIENTS_INVALID(81013, Retry.NEVER, Kind.NO_VALID_RECIPIENT,
            "all recipients are invalid: unknown, deleted or outside the app's visible range; nothing was sent"),
    USER_TICKET_EXPIRED(84014, Retry.NEVER, Kind.PLAIN, "user_ticket expired"),
    CROSS_CORP_NOT_ALLOWED(92002, Retry.NEVER, Kind.PLAIN,
            "not allowed across corps: call with the credentials of the corp the member or object belongs to"),
    AGENT_NOT_ALLOWED(301002, Retry.NEVER, Kind.PLAIN, "the token's app has no right on the given agentid");

    /** Whether, and how, a call that failed with a code can succeed. */
    public enum Retry {
        /** Retry the same call; wecomkit does, within its retry policy. */
        RETRY(true),
        /** Refresh the access token and retry once; wecomkit does this itself. */
        REFRESH_TOKEN(true),
        /** Retry only after waiting out a limit; wecomkit never retries these by itself. */
        AFTER_WAIT(true),
        /** No retry helps: fix the input, the configuration or the permissions. */
        NEVER(false);

        private final boolean retryable;

        Retry(boolean retryable) {
            this.retryable = retryable;
        }

        /** @return whether calling again, at some point, can succeed */
        public boolean retryable() {
            return retryable;
        }
    }

    /** Which exception type a code becomes; package-private so the mapping stays in this file. */
    enum Kind {
        PLAIN, SYSTEM_BUSY, CREDENTIAL, INVALID_CODE, RATE_LIMITED, NO_PRIVILEGE, IP_NOT_ALLOWED, USER_NOT_FOUND,
        API_FORBIDDEN, NO_VALID_RECIPIENT
    }

    private static final Map<Integer, WeComErrorCode> BY_CODE;

    static {
        Map<Integer, WeComErrorCode> byCode = new HashMap<>();
        for (WeComErrorCode c : values()) {
            byCode.put(c.code, c);
        }
        BY_CODE = Collections.unmodifiableMap(byCode);
    }

    private final int code;
    private final Retry retry;
    private final Kind kind;
    private final String meaning;

    WeComErrorCode(int code, Retry retry, Kind kind, String meaning) {
        this.code = code;
        this.retry = retry;
        this.kind = kind;
        this.meaning = meaning;
    }

    /** @return the numeric errcode */
    public int code() {
        return code;
    }

    /** @return whether and how a retry can help */
    public Retry retry() {
        return retry;
    }

    /** @return what the code means, in one line */
    public String meaning() {
        return meaning;
    }

    /** @return the exception type a caller catches for this code */
    public Class<? extends WeComApiException> exceptionType() {
        switch (kind) {
            case SYSTEM_BUSY: return SystemBusyException.class;
            case CREDENTIAL: return InvalidCredentialException.class;
            case INVALID_CODE: return InvalidCodeException.class;
            case RATE_LIMITED: return RateLimitedException.class;
            case NO_PRIVILEGE: return NoPrivilegeException.class;
            case IP_NOT_ALLOWED: return IpNotAllowedException.class;
            case USER_NOT_FOUND: return UserNotFoundException.class;
            case API_FORBIDDEN: return ApiForbiddenException.class;
            case NO_VALID_RECIPIENT: return NoValidRecipientException.class;
            default: return WeComApiException.class;
        }
    }

    /**
     * Looks a code up.
     *
     * @param errcode a WeCom errcode
     * @return its entry, or {@code null} for a code wecomkit does not know
     */
    public static WeComErrorCode find(int errcode) {
        return BY_CODE.get(errcode);
    }

    static Retry retryClassOf(int errcode) {
        WeComErrorCode known = find(errcode);
        return known == null ? Retry.NEVER : known.retry;
    }

    /**
     * Builds the exception a caller receives for an errcode: the typed subclass from this table, or a plain
     * {@link WeComApiException} for any other code.
     *
     * @param errcode the non-zero code WeCom returned
     * @param errmsg  WeCom's message, stripped of any credential
     * @param api     the API path, e.g. {@code user/get}
     * @return the exception to throw
     */
    public static WeComApiException toException(int errcode, String errmsg, String api) {
        WeComErrorCode known = find(errcode);
        Kind kind = known == null ? Kind.PLAIN : known.kind;
        switch (kind) {
            case SYSTEM_BUSY: return new SystemBusyException(errcode, errmsg, api);
            case CREDENTIAL: return new InvalidCredentialException(errcode, errmsg, api);
            case INVALID_CODE: return new InvalidCodeException(errcode, errmsg, api);
            case RATE_LIMITED: return new RateLimitedException(errcode, errmsg, api);
            case NO_PRIVILEGE: return new NoPrivilegeException(errcode, errmsg, api);
            case IP_NOT_ALLOWED: return new IpNotAllowedException(errcode, errmsg, api);
            case USER_NOT_FOUND: return new UserNotFoundException(errcode, errmsg, api);
            case API_FORBIDDEN: return new ApiForbiddenException(errcode, errmsg, api);
            case NO_VALID_RECIPIENT: return new NoValidRecipientException(errcode, errmsg, api);
            default: return new WeComApiException(errcode, errmsg, api);
        }
    }
}
