package io.github.wecomkit.suite;

import io.github.wecomkit.error.WeComException;

/**
 * The corp has not authorised the suite, or cancelled: there is no permanent code for it in the
 * {@link PermanentCodeStore}. A member of such a corp who logs in gets this too (WeCom answers an encrypted
 * user id for them); the corp's admin must install the app first.
 *
 * <pre>{@code
 * try {
 *     SuiteSession session = suite.login(code);
 * } catch (CorpNotAuthorizedException e) {
 *     return "ask the admin of " + e.corpId() + " to install the app";
 * }
 * }</pre>
 */
public final class CorpNotAuthorizedException extends WeComException {
    private static final long serialVersionUID = 1L;

    private final String suiteId;
    private final String corpId;

    CorpNotAuthorizedException(String suiteId, String corpId) {
        super("corp " + corpId + " has not authorised suite " + suiteId + " (no permanent code in the"
                + " PermanentCodeStore): the corp's admin must install the app, or load its permanent code with"
                + " SuiteClient.addCorp", null, false);
        this.suiteId = suiteId;
        this.corpId = corpId;
    }

    /** @return the suite */
    public String suiteId() {
        return suiteId;
    }

    /** @return the corp that has not authorised it */
    public String corpId() {
        return corpId;
    }
}
