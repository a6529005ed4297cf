package io.github.wecomkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A corp member as {@code user/get} returns it. Fields WeCom always returns are plain values; the rest are
 * {@link Optional} or empty lists, because WeCom omits them more often than not.
 *
 * <p><b>Fields that apps created since 2022-06-20 do not get.</b> Since WeCom's privacy change of 2022-06-20
 * (20:00, Beijing time), {@code user/get} no longer returns these to self-built and customised (代开发) apps
 * created after it (nor to WeCom's basic apps other than contacts sync): {@link #avatar()}, {@link #gender()},
 * {@link #mobile()}, {@link #email()}, {@link #bizMail()}, {@link #qrCode()} and {@link #address()}. For such an
 * app they are always empty here.
 * Apps created before the change still receive them (WeCom implies this; it does not state it outright). Only the
 * member can hand them out: in a mini-program, {@code wx.qy.getMobile} and {@code wx.qy.getEmail} return them
 * encrypted with the session key (decrypted on the server, see {@code docs/wxqy-data.md}); on the web, OAuth2
 * with a {@code user_ticket} ({@code auth/getuserdetail}). Whether {@link #thumbAvatar()} goes with
 * {@link #avatar()} is not documented.
 *
 * <pre>{@code
 * Member member = client.getUser(session.userId());
 * if (member.status() == Member.Status.ACTIVE) {
 *     greet(member.name(), member.position().orElse("-"));
 * }
 * }</pre>
 */
public final class Member {
    /** A member's state in the corp. */
    public enum Status {
        /** 1: joined and active. */
        ACTIVE(1),
        /** 2: disabled by an admin. */
        DISABLED(2),
        /** 4: invited, not activated yet. */
        NOT_ACTIVATED(4),
        /** 5: left the corp. */
        LEFT(5),
        /** A code wecomkit does not know; see {@link Member#statusCode()}. */
        UNKNOWN(-1);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** @return WeCom's numeric status */
        public int code() {
            return code;
        }

        static Status of(int code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return UNKNOWN;
        }
    }

    /** A member's gender as WeCom encodes it ("0", "1", "2"). */
    public enum Gender {
        /** "0": not set. */
        UNDEFINED,
        /** "1". */
        MALE,
        /** "2". */
        FEMALE
    }

    private final String userId;
    private final String name;
    private final List<Long> department;
    private final List<Long> order;
    private final Long mainDepartment;
    private final String position;
    private final String mobile;
    private final Gender gender;
    private final String email;
    private final String bizMail;
    private final List<Boolean> leaderInDepartment;
    private final List<String> directLeader;
    private final String avatar;
    private final String thumbAvatar;
    private final String telephone;
    private final String alias;
    private final String address;
    private final String openUserId;
    private final int statusCode;
    private final String qrCode;
    private final String externalPosition;
    private final ExternalProfile externalProfile;
    private final List<Attribute> attributes;
    private final Integer enable;
    private final Integer isLeader;
    private final Integer hideMobile;
    private final String englishName;

    Member(ApiResponse.User u) {
        this.userId = u.userid;
        this.name = u.name == null ? "" : u.name;
        this.department = copyOf(u.department);
        this.order = copyOf(u.order);
        this.mainDepartment = u.mainDepartment;
        this.position = emptyToNull(u.position);
        this.mobile = emptyToNull(u.mobile);
        this.gender = gender(u.gender);
        this.email = emptyToNull(u.email);
        this.bizMail = emptyToNull(u.bizMail);
        List<Boolean> leader = new ArrayList<>();
        if (u.isLeaderInDept != null) {
            for (Integer flag : u.isLeaderInDept) {
                leader.add(flag != null && flag == 1);
            }
        }
        this.leaderInDepartment = Collections.unmodifiableList(leader);
        this.directLeader = copyOf(u.directLeader);
        this.avatar = emptyToNull(u.avatar);
        this.thumbAvatar = emptyToNull(u.thumbAvatar);
        this.telephone = emptyToNull(u.telephone);
        this.alias = emptyToNull(u.alias);
        this.address = emptyToNull(u.address);
        this.openUserId = emptyToNull(u.openUserid);
        this.statusCode = u.status == null ? -1 : u.status;
        this.qrCode = emptyToNull(u.qrCode);
        this.externalPosition = emptyToNull(u.externalPosition);
        this.externalProfile = u.externalProfile == null ? null : new ExternalProfile(u.externalProfile);
        this.attributes = Attribute.listOf(u.extattr == null ? null : u.extattr.attrs);
        this.enable = u.enable;
        this.isLeader = u.isleader;
        this.hideMobile = u.hideMobile;
        this.englishName = emptyToNull(u.englishName);
    }

    private static Gender gender(String code) {
        if (code == null || code.isEmpty()) {
            return null;
        }
        switch (code) {
            case "1": return Gender.MALE;
            case "2": return Gender.FEMALE;
            default: return Gender.UNDEFINED;
        }
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static <T> List<T> copyOf(List<T> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(list.size());
        for (T item : list) {
            if (item != null) {
                copy.add(item);
            }
        }
        return Collections.unmodifiableList(copy);
    }

    /** @return the user id (case-insensitive in WeCom) */
    public String userId() {
        return userId;
    }

    /** @return the name; third-party apps receive the user id here instead */
    public String name() {
        return name;
    }

    /** @return the ids of the departments the app can see that the member is in */
    public List<Long> department() {
        return department;
    }

    /** @return the member's sort order in each of {@link #department()}, same length */
    public List<Long> order() {
        return order;
    }

    /** @return the main department id, if returned */
    public OptionalLong mainDepartment() {
        return mainDepartment == null ? OptionalLong.empty() : OptionalLong.of(mainDepartment);
    }

    /** @return the job title */
    public Optional<String> position() {
        return Optional.ofNullable(position);
    }

    /** @return the mobile number (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> mobile() {
        return Optional.ofNullable(mobile);
    }

    /** @return the gender (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<Gender> gender() {
        return Optional.ofNullable(gender);
    }

    /** @return the email address (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> email() {
        return Optional.ofNullable(email);
    }

    /** @return the corp mailbox (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> bizMail() {
        return Optional.ofNullable(bizMail);
    }

    /** @return whether the member leads each of {@link #department()}, same length */
    public List<Boolean> leaderInDepartment() {
        return leaderInDepartment;
    }

    /** @return the user ids of the direct leaders, at most five */
    public List<String> directLeader() {
        return directLeader;
    }

    /** @return the avatar URL (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> avatar() {
        return Optional.ofNullable(avatar);
    }

    /** @return the thumbnail avatar URL */
    public Optional<String> thumbAvatar() {
        return Optional.ofNullable(thumbAvatar);
    }

    /** @return the landline number */
    public Optional<String> telephone() {
        return Optional.ofNullable(telephone);
    }

    /** @return the alias */
    public Optional<String> alias() {
        return Optional.ofNullable(alias);
    }

    /** @return the address (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> address() {
        return Optional.ofNullable(address);
    }

    /** @return the open user id (third-party apps only) */
    public Optional<String> openUserId() {
        return Optional.ofNullable(openUserId);
    }

    /** @return the state in the corp; {@link Status#UNKNOWN} for codes wecomkit does not know */
    public Status status() {
        return Status.of(statusCode);
    }

    /** @return WeCom's numeric status, -1 when absent */
    public int statusCode() {
        return statusCode;
    }

    /** @return the personal QR code URL (empty for apps created since 2022-06-20; see the class comment) */
    public Optional<String> qrCode() {
        return Optional.ofNullable(qrCode);
    }

    /** @return the title shown to external contacts */
    public Optional<String> externalPosition() {
        return Optional.ofNullable(externalPosition);
    }

    /** @return the profile shown to external contacts, if returned */
    public Optional<ExternalProfile> externalProfile() {
        return Optional.ofNullable(externalProfile);
    }

    /** @return the custom attributes ({@code extattr}) */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** @return whether the account is enabled ({@code enable}; returned though missing from the doc table) */
    public Optional<Boolean> enabled() {
        return enable == null ? Optional.empty() : Optional.of(enable == 1);
    }

    /**
     * @return the legacy {@code isleader} flag
     * @deprecated WeCom deprecated the field; use {@link #leaderInDepartment()}
     */
    @Deprecated
    public Optional<Boolean> leader() {
        return isLeader == null ? Optional.empty() : Optional.of(isLeader == 1);
    }

    /**
     * @return the legacy {@code hide_mobile} flag
     * @deprecated WeCom deprecated the field
     */
    @Deprecated
    public Optional<Boolean> mobileHidden() {
        return hideMobile == null ? Optional.empty() : Optional.of(hideMobile == 1);
    }

    /** @return the legacy English name */
    public Optional<String> englishName() {
        return Optional.ofNullable(englishName);
    }

    /** @return ids, name, departments and status; contact details are left out on purpose */
    @Override
    public String toString() {
        return "Member{userId=" + userId + ", name=" + name + ", department=" + department + ", status="
                + status() + "}";
    }

    /**
     * A custom attribute: text, a web link or a mini-program link.
     *
     * <pre>{@code
     * Map<String, String> texts = new HashMap<>();
     * member.attributes().forEach(a -> a.text().ifPresent(t -> texts.put(a.name(), t)));
     * }</pre>
     */
    public static final class Attribute {
        /** What the attribute holds. */
        public enum Type {
            /** 0: {@link #text()}. */
            TEXT,
            /** 1: {@link #url()} and {@link #title()}. */
            WEB,
            /** 2: {@link #appId()}, {@link #pagePath()} and {@link #title()}. */
            MINIPROGRAM,
            /** A type wecomkit does not know. */
            UNKNOWN
        }

        private final Type type;
        private final String name;
        private final String text;
        private final String url;
        private final String title;
        private final String appId;
        private final String pagePath;

        private Attribute(ApiResponse.Attribute a) {
            int code = a.type == null ? -1 : a.type;
            this.type = code == 0 ? Type.TEXT : code == 1 ? Type.WEB : code == 2 ? Type.MINIPROGRAM : Type.UNKNOWN;
            this.name = a.name == null ? "" : a.name;
            this.text = a.text == null ? null : a.text.value;
            if (a.web != null) {
                this.url = a.web.url;
                this.title = a.web.title;
                this.appId = null;
                this.pagePath = null;
            } else if (a.miniprogram != null) {
                this.url = null;
                this.title = a.miniprogram.title;
                this.appId = a.miniprogram.appid;
                this.pagePath = a.miniprogram.pagepath;
            } else {
                this.url = null;
                this.title = null;
                this.appId = null;
                this.pagePath = null;
            }
        }

        static List<Attribute> listOf(List<ApiResponse.Attribute> attrs) {
            if (attrs == null || attrs.isEmpty()) {
                return List.of();
            }
            List<Attribute> list = new ArrayList<>(attrs.size());
            for (ApiResponse.Attribute a : attrs) {
                if (a != null) {
                    list.add(new Attribute(a));
                }
            }
            return Collections.unmodifiableList(list);
        }

        /** @return what the attribute holds */
        public Type type() {
            return type;
        }

        /** @return the attribute's name */
        public String name() {
            return name;
        }

        /** @return the text, for {@link Type#TEXT} */
        public Optional<String> text() {
            return Optional.ofNullable(text);
        }

        /** @return the link, for {@link Type#WEB} */
        public Optional<String> url() {
            return Optional.ofNullable(url);
        }

        /** @return the title, for {@link Type#WEB} and {@link Type#MINIPROGRAM} */
        public Optional<String> title() {
            return Optional.ofNullable(title);
        }

        /** @return the mini-program appid, for {@link Type#MINIPROGRAM} */
        public Optional<String> appId() {
            return Optional.ofNullable(appId);
        }

        /** @return the mini-program page, for {@link Type#MINIPROGRAM} */
        public Optional<String> pagePath() {
            return Optional.ofNullable(pagePath);
        }

        @Override
        public String toString() {
            return "Attribute{type=" + type + ", name=" + name + "}";
        }
    }

    /**
     * What external contacts see of the member.
     *
     * <pre>{@code
     * member.externalProfile().flatMap(Member.ExternalProfile::externalCorpName).orElse("")
     * }</pre>
     */
    public static final class ExternalProfile {
        private final String externalCorpName;
        private final String wechatChannelsNickname;
        private final List<Attribute> attributes;

        private ExternalProfile(ApiResponse.ExternalProfile p) {
            this.externalCorpName = emptyToNull(p.externalCorpName);
            this.wechatChannelsNickname = p.wechatChannels == null ? null : emptyToNull(p.wechatChannels.nickname);
            this.attributes = Attribute.listOf(p.externalAttr);
        }

        /** @return the corp's short name shown externally */
        public Optional<String> externalCorpName() {
            return Optional.ofNullable(externalCorpName);
        }

        /** @return the nickname of the linked WeChat Channels account */
        public Optional<String> wechatChannelsNickname() {
            return Optional.ofNullable(wechatChannelsNickname);
        }

        /** @return the external attributes */
        public List<Attribute> attributes() {
            return attributes;
        }

        @Override
        public String toString() {
            return "ExternalProfile{externalCorpName=" + externalCorpName + ", attributes=" + attributes.size() + "}";
        }
    }
}
