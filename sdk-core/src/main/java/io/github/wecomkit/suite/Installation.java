package io.github.wecomkit.suite;

import java.util.Objects;
import java.util.Optional;

/**
 * A corp installed the suite's app: the answer of {@code get_permanent_code} for an auth code, after wecomkit
 * stored the permanent code in the {@link PermanentCodeStore}. {@link #toString()} hides the code.
 *
 * <pre>{@code
 * Installation installed = suite.install(authCode);
 * tenants.create(installed.corpId(), installed.corpName());
 * }</pre>
 */
public final class Installation {
    private final String corpId;
    private final String corpName;
    private final String permanentCode;
    private final String state;
    private final Installer installer;
    private final AuthInfo authInfo;

    Installation(String corpId, String corpName, String permanentCode, String state, Installer installer,
                 AuthInfo authInfo) {
        this.corpId = corpId;
        this.corpName = corpName;
        this.permanentCode = permanentCode;
        this.state = state;
        this.installer = installer;
        this.authInfo = authInfo;
    }

    /** @return the corp that installed the app */
    public String corpId() {
        return corpId;
    }

    /** @return the corp's name, {@code ""} if WeCom sent none */
    public String corpName() {
        return corpName;
    }

    /** @return the permanent code (stored already); a secret: never log it */
    public String permanentCode() {
        return permanentCode;
    }

    /**
     * @return the {@code state} the install link carried (compare it with the one you issued), {@code ""} when
     *     none
     */
    public String state() {
        return state;
    }

    /** @return who installed the app ({@code auth_user_info}), if WeCom said */
    public Optional<Installer> installer() {
        return Optional.ofNullable(installer);
    }

    /**
     * @return the authorisation details; present with {@link PermanentCodeApi#V1}, empty with
     *     {@link PermanentCodeApi#V2} (fetch them with {@link SuiteClient#authInfo(String)})
     */
    public Optional<AuthInfo> authInfo() {
        return Optional.ofNullable(authInfo);
    }

    /** @return the corp and state; the permanent code is redacted */
    @Override
    public String toString() {
        return "Installation{corpId=" + corpId + ", corpName=" + corpName + ", state=" + state
                + ", permanentCode=<redacted>" + (authInfo == null ? "" : ", agents=" + authInfo.agents().size())
                + "}";
    }

    /**
     * Who installed the app ({@code auth_user_info}).
     *
     * <pre>{@code
     * installed.installer().ifPresent(admin -> notify(admin.userId()));
     * }</pre>
     *
     * @param userId     {@code userid}
     * @param openUserId {@code open_userid}
     * @param name       {@code name}
     * @param avatar     {@code avatar}
     */
    public record Installer(String userId, String openUserId, String name, String avatar) {

        /** Checks for nulls. */
        public Installer {
            Objects.requireNonNull(userId, "userId == null");
            Objects.requireNonNull(openUserId, "openUserId == null");
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(avatar, "avatar == null");
        }
    }
}
