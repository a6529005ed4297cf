package io.github.wecomkit.testkit;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An app of a fake corp: its secret, its agent id, whether it is the mini-program's app, and its visible range.
 * Every member is visible until hidden; {@code user/get} for a hidden member answers 60011.
 *
 * <pre>{@code
 * FakeApp app = wecom.addCorp("wwcorp", "secret").app();
 * app.hideMembers("lisi");                     // user/get lisi → 60011 no privilege
 * FakeApp hr = corp.addApp("hr-secret").miniProgram(false);   // its token gets 40014 at jscode2session
 * app.createdBeforePrivacyChange(true);        // user/get returns mobile, email, avatar, ... again
 * }</pre>
 *
 * <p>Like every app created today, an app is taken to be created after WeCom's privacy change of 2022-06-20:
 * {@code user/get} leaves out avatar, gender, mobile, email, biz_mail, qr_code and address, however the member
 * was set up. {@link #createdBeforePrivacyChange(boolean)} gives the older shape with every field.
 */
public final class FakeApp {
    private final FakeCorp corp;
    private final String secret;
    private final long agentId;
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();
    private volatile boolean miniProgram = true;
    private volatile boolean createdBeforePrivacyChange;
    private volatile boolean thirdParty;

    FakeApp(FakeCorp corp, String secret, long agentId) {
        this.corp = corp;
        this.secret = secret;
        this.agentId = agentId;
    }

    /** @return the corp this app belongs to */
    public FakeCorp corp() {
        return corp;
    }

    /** @return the app's secret, as {@code gettoken} expects it in {@code corpsecret} */
    public String secret() {
        return secret;
    }

    /** @return the app's agent id (assigned from 1000002 up, as WeCom numbers self-built apps) */
    public long agentId() {
        return agentId;
    }

    /**
     * Marks whether this is the app a mini-program is associated with. Only such an app's token may call
     * {@code jscode2session}; another app's token gets 40014, as in WeCom. Default {@code true}.
     *
     * @param miniProgram whether the app is a mini-program's app
     * @return this app
     */
    public FakeApp miniProgram(boolean miniProgram) {
        this.miniProgram = miniProgram;
        return this;
    }

    /** @return whether this is a mini-program's app */
    public boolean isMiniProgram() {
        return miniProgram;
    }

    /**
     * Takes members out of the app's visible range: {@code user/get} answers 60011 for them.
     *
     * @param userIds the members' userids
     * @return this app
     */
    public FakeApp hideMembers(String... userIds) {
        for (String id : userIds) {
            hidden.add(key(id));
        }
        return this;
    }

    /**
     * Puts members back into the app's visible range.
     *
     * @param userIds the members' userids
     * @return this app
     */
    public FakeApp showMembers(String... userIds) {
        for (String id : userIds) {
            hidden.remove(key(id));
        }
        return this;
    }

    /**
     * Says whether this app was created before WeCom's privacy change of 2022-06-20 (20:00). Such an app still
     * gets avatar, gender, mobile, email, biz_mail, qr_code and address from {@code user/get}; a newer one does
     * not. Default {@code false}: a new app's shape.
     *
     * @param before whether the app predates the change
     * @return this app
     */
    public FakeApp createdBeforePrivacyChange(boolean before) {
        this.createdBeforePrivacyChange = before;
        return this;
    }

    /** @return whether {@code user/get} returns the restricted fields to this app */
    public boolean isCreatedBeforePrivacyChange() {
        return createdBeforePrivacyChange;
    }

    /** A provider's app installed in this corp: {@code user/get} answers the userid in place of the name. */
    void thirdParty(boolean thirdParty) {
        this.thirdParty = thirdParty;
    }

    boolean isThirdParty() {
        return thirdParty;
    }

    boolean canSee(String userId) {
        return !hidden.contains(key(userId));
    }

    static String key(String userId) {
        return Objects.requireNonNull(userId, "userId == null").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "FakeApp{corpId=" + corp.corpId() + ", agentId=" + agentId + ", miniProgram=" + miniProgram
                + ", createdBeforePrivacyChange=" + createdBeforePrivacyChange + "}";
    }
}
