package io.github.wecomkit;

import java.util.Objects;
import java.util.Optional;

/**
 * Who logged in: the answer of {@code miniprogram/jscode2session} for a {@code wx.qy.login} code, after the corp
 * check. Keep {@link #sessionKey()} on the server (it decrypts {@code wx.qy.*} data); never send it to the
 * mini-program. {@link #toString()} redacts it.
 *
 * <pre>{@code
 * LoginSession session = client.login(code);
 * Member member = client.getUser(session.userId());
 * }</pre>
 */
public final class LoginSession {
    private final String corpId;
    private final String userId;
    private final String sessionKey;
    private final String deviceId;
    private final String openUserId;

    LoginSession(String corpId, String userId, String sessionKey, String deviceId, String openUserId) {
        this.corpId = corpId;
        this.userId = userId;
        this.sessionKey = sessionKey;
        this.deviceId = deviceId;
        this.openUserId = openUserId;
    }

    /** @return the corp the member belongs to (checked against the client's corps) */
    public String corpId() {
        return corpId;
    }

    /** @return the member's user id in that corp */
    public String userId() {
        return userId;
    }

    /** @return the session key (base64); a secret: never log it or send it to the client */
    public String sessionKey() {
        return sessionKey;
    }

    /** @return the device id, if WeCom returned one (not documented for self-built apps) */
    public Optional<String> deviceId() {
        return Optional.ofNullable(deviceId);
    }

    /** @return the open user id, if WeCom returned one (third-party apps) */
    public Optional<String> openUserId() {
        return Optional.ofNullable(openUserId);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LoginSession)) {
            return false;
        }
        LoginSession that = (LoginSession) o;
        return corpId.equals(that.corpId) && userId.equals(that.userId) && sessionKey.equals(that.sessionKey)
                && Objects.equals(deviceId, that.deviceId) && Objects.equals(openUserId, that.openUserId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(corpId, userId, sessionKey, deviceId, openUserId);
    }

    /** @return the ids; the session key is redacted */
    @Override
    public String toString() {
        return "LoginSession{corpId=" + corpId + ", userId=" + userId + ", sessionKey=<redacted>"
                + (deviceId == null ? "" : ", deviceId=" + deviceId)
                + (openUserId == null ? "" : ", openUserId=" + openUserId) + "}";
    }
}
