package io.github.wecomkit.testkit;

/**
 * The WeCom APIs {@link FakeWeCom} serves, for call counters and scripted faults.
 *
 * <pre>{@code
 * wecom.failNext(FakeApi.USER_GET, 2, -1);          // the next two user/get calls answer "system busy"
 * assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
 * }</pre>
 */
public enum FakeApi {
    /** {@code GET /cgi-bin/gettoken}. */
    GET_TOKEN("/cgi-bin/gettoken"),
    /** {@code GET /cgi-bin/miniprogram/jscode2session}. */
    JSCODE2SESSION("/cgi-bin/miniprogram/jscode2session"),
    /** {@code GET /cgi-bin/user/get}. */
    USER_GET("/cgi-bin/user/get"),
    /** {@code POST /cgi-bin/message/send}. */
    MESSAGE_SEND("/cgi-bin/message/send"),
    /** {@code POST /cgi-bin/service/get_suite_token}: a suite token from the suite secret and ticket. */
    GET_SUITE_TOKEN("/cgi-bin/service/get_suite_token"),
    /** {@code GET /cgi-bin/service/get_pre_auth_code}. */
    GET_PRE_AUTH_CODE("/cgi-bin/service/get_pre_auth_code"),
    /** {@code POST /cgi-bin/service/set_session_info}. */
    SET_SESSION_INFO("/cgi-bin/service/set_session_info"),
    /** {@code POST /cgi-bin/service/get_permanent_code}. */
    GET_PERMANENT_CODE("/cgi-bin/service/get_permanent_code"),
    /** {@code POST /cgi-bin/service/v2/get_permanent_code}. */
    GET_PERMANENT_CODE_V2("/cgi-bin/service/v2/get_permanent_code"),
    /** {@code POST /cgi-bin/service/get_auth_info}. */
    GET_AUTH_INFO("/cgi-bin/service/get_auth_info"),
    /** {@code POST /cgi-bin/service/get_corp_token}: an authorised corp's token from its permanent code. */
    GET_CORP_TOKEN("/cgi-bin/service/get_corp_token"),
    /** {@code GET /cgi-bin/service/miniprogram/jscode2session}: a provider's mini-program login. */
    SERVICE_JSCODE2SESSION("/cgi-bin/service/miniprogram/jscode2session"),
    /** {@code POST /cgi-bin/service/get_provider_token}. */
    GET_PROVIDER_TOKEN("/cgi-bin/service/get_provider_token"),
    /** {@code POST /cgi-bin/service/corpid_to_opencorpid}: a provider-token API. */
    CORPID_TO_OPENCORPID("/cgi-bin/service/corpid_to_opencorpid");

    private final String path;

    FakeApi(String path) {
        this.path = path;
    }

    /** @return the request path, e.g. {@code /cgi-bin/user/get} */
    public String path() {
        return path;
    }
}
