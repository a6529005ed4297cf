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
    MESSAGE_SEND("/cgi-bin/message/send");

    private final String path;

    FakeApi(String path) {
        this.path = path;
    }

    /** @return the request path, e.g. {@code /cgi-bin/user/get} */
    public String path() {
        return path;
    }
}
