package io.github.wecomkit.suite;

/**
 * Which kind of authorisation an install link grants ({@code set_session_info}'s {@code auth_type}): a formal
 * one, or a test one that an app not yet on WeCom's app market needs while it is being tested.
 *
 * <pre>{@code
 * String url = suite.installUrl("https://example.com/wecom/installed", state, AuthType.TEST);
 * }</pre>
 */
public enum AuthType {
    /** A formal authorisation ({@code auth_type} 0), WeCom's default. */
    FORMAL(0),
    /** A test authorisation ({@code auth_type} 1), for install testing before the app is on the market. */
    TEST(1);

    private final int code;

    AuthType(int code) {
        this.code = code;
    }

    /** @return the {@code auth_type} value WeCom expects */
    public int code() {
        return code;
    }
}
