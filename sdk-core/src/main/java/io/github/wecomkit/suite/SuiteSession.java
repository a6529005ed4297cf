package io.github.wecomkit.suite;

import java.util.Objects;
import java.util.Optional;

/**
 * Who logged in to a provider's mini-program: the answer of {@code service/miniprogram/jscode2session} for a
 * {@code wx.qy.login} code, after the check that the member's corp has authorised the suite. Read the member with
 * that corp's client: {@code suite.corp(session.corpId()).getUser(session.userId())}. Keep {@link #sessionKey()}
 * on the server; {@link #toString()} redacts it.
 *
 * <pre>{@code
 * SuiteSession session = suite.login(code);
 * Member member = suite.corp(session.corpId()).getUser(session.userId());
 * }</pre>
 *
 * <p>Not a {@link io.github.wecomkit.LoginSession}: a provider's answer always names the member's
 * {@code open_userid} (the same across one provider's apps), and its {@code userid} is only plain once the corp
 * has installed the app, which is why {@link SuiteClient#login(String)} refuses the others.
 */
public final class SuiteSession {
    private final String corpId;
    private final String userId;
    private final String openUserId;
    private final String sessionKey;

    SuiteSession(String corpId, String userId, String openUserId, String sessionKey) {
        this.corpId = corpId;
        this.userId = userId;
        this.openUserId = openUserId;
        this.sessionKey = sessionKey;
    }

    /** @return the member's corp, which has authorised the suite */
    public String corpId() {
        return corpId;
    }

    /** @return the member's user id in that corp */
    public String userId() {
        return userId;
    }

    /** @return the member's open user id, the same across the provider's apps, if WeCom returned one */
    public Optional<String> openUserId() {
        return Optional.ofNullable(openUserId);
    }

    /** @return the session key (base64); a secret: never log it or send it to the client */
    public String sessionKey() {
        return sessionKey;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SuiteSession)) {
            return false;
        }
        SuiteSession s = (SuiteSession) o;
        return corpId.equals(s.corpId) && userId.equals(s.userId) && Objects.equals(openUserId, s.openUserId)
                && sessionKey.equals(s.sessionKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(corpId, userId, openUserId, sessionKey);
    }

    /** @return the ids; the session key is redacted */
    @Override
    public String toString() {
        return "SuiteSession{corpId=" + corpId + ", userId=" + userId
                + (openUserId == null ? "" : ", openUserId=" + openUserId) + ", sessionKey=<redacted>}";
    }
}
