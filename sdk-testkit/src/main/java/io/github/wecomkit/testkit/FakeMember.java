package io.github.wecomkit.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A member of a fake corp, with every field WeCom's {@code user/get} returns. Fields left unset get plain
 * defaults (department 1, status 1 = active, empty strings), so a test names only what it asserts on.
 *
 * <pre>{@code
 * corp.addMember(FakeMember.builder("zhangsan").name("张三").department(1, 2).position("engineer")
 *         .mobile("13800000000").build());
 * }</pre>
 */
public final class FakeMember {
    /** What {@code user/get} no longer returns to apps created after 2022-06-20 (WeCom's list). */
    static final List<String> PRIVACY_RESTRICTED = List.of("avatar", "gender", "mobile", "email", "biz_mail",
            "qr_code", "address");

    private final String userId;
    private final String name;
    private final List<Long> department;
    private final List<Long> order;
    private final String position;
    private final String mobile;
    private final String gender;
    private final String email;
    private final String bizMail;
    private final List<Integer> isLeaderInDept;
    private final List<String> directLeader;
    private final String avatar;
    private final String thumbAvatar;
    private final String telephone;
    private final String alias;
    private final String address;
    private final String openUserId;
    private final long mainDepartment;
    private final int status;
    private final String qrCode;
    private final String externalPosition;
    private final boolean enabled;

    private FakeMember(Builder b) {
        this.userId = b.userId;
        this.name = b.name == null ? b.userId : b.name;
        this.department = List.copyOf(b.department);
        this.order = b.order.size() == department.size()
                ? List.copyOf(b.order) : Collections.nCopies(department.size(), 0L);
        this.position = b.position;
        this.mobile = b.mobile;
        this.gender = b.gender;
        this.email = b.email;
        this.bizMail = b.bizMail;
        this.isLeaderInDept = b.isLeaderInDept.size() == department.size()
                ? List.copyOf(b.isLeaderInDept) : Collections.nCopies(department.size(), 0);
        this.directLeader = List.copyOf(b.directLeader);
        this.avatar = b.avatar;
        this.thumbAvatar = b.thumbAvatar;
        this.telephone = b.telephone;
        this.alias = b.alias;
        this.address = b.address;
        this.openUserId = b.openUserId;
        this.mainDepartment = b.mainDepartment != null ? b.mainDepartment
                : department.isEmpty() ? 1L : department.get(0);
        this.status = b.status;
        this.qrCode = b.qrCode;
        this.externalPosition = b.externalPosition;
        this.enabled = b.enabled;
    }

    /**
     * Starts a member; only the user id is required.
     *
     * @param userId the member's userid (1 to 64 bytes; WeCom compares it case-insensitively)
     * @return a builder
     */
    public static Builder builder(String userId) {
        return new Builder(userId);
    }

    /** @return the userid */
    public String userId() {
        return userId;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the department ids, unmodifiable */
    public List<Long> department() {
        return department;
    }

    /** @return the member's status: 1 active, 2 disabled, 4 not activated, 5 left the corp */
    public int status() {
        return status;
    }

    /** @return the mobile number, or an empty string */
    public String mobile() {
        return mobile;
    }

    /** @return the gender as WeCom's {@code user/get} writes it: "0" unknown, "1" male, "2" female */
    public String gender() {
        return gender;
    }

    /** @return the email address, or an empty string */
    public String email() {
        return email;
    }

    /**
     * The member as {@code user/get} returns it, field names as WeCom spells them, in WeCom's order.
     *
     * @param restricted whether the app was created after the 2022-06-20 privacy change: those fields are left out
     */
    Map<String, Object> toUserGetFields(boolean restricted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userid", userId);
        m.put("name", name);
        m.put("department", department);
        m.put("order", order);
        m.put("position", position);
        m.put("mobile", mobile);
        m.put("gender", gender);
        m.put("email", email);
        m.put("biz_mail", bizMail);
        m.put("is_leader_in_dept", isLeaderInDept);
        m.put("direct_leader", directLeader);
        m.put("avatar", avatar);
        m.put("thumb_avatar", thumbAvatar);
        m.put("telephone", telephone);
        m.put("alias", alias);
        m.put("address", address);
        m.put("open_userid", openUserId);
        m.put("main_department", mainDepartment);
        m.put("extattr", Map.of("attrs", List.of()));
        m.put("status", status);
        m.put("qr_code", qrCode);
        m.put("external_position", externalPosition);
        m.put("external_profile", Map.of("external_corp_name", "", "external_attr", List.of()));
        m.put("enable", enabled ? 1 : 0);
        if (restricted) {
            m.keySet().removeAll(PRIVACY_RESTRICTED);
        }
        return m;
    }

    @Override
    public String toString() {
        return "FakeMember{userId=" + userId + ", name=" + name + ", status=" + status + "}";
    }

    /**
     * Builds a {@link FakeMember}; every setter is optional.
     *
     * <pre>{@code
     * FakeMember m = FakeMember.builder("lisi").name("李四").status(2).build();
     * }</pre>
     */
    public static final class Builder {
        private final String userId;
        private String name;
        private List<Long> department = List.of(1L);
        private List<Long> order = List.of();
        private String position = "";
        private String mobile = "";
        private String gender = "0";
        private String email = "";
        private String bizMail = "";
        private List<Integer> isLeaderInDept = List.of();
        private List<String> directLeader = List.of();
        private String avatar = "";
        private String thumbAvatar = "";
        private String telephone = "";
        private String alias = "";
        private String address = "";
        private String openUserId = "";
        private Long mainDepartment;
        private int status = 1;
        private String qrCode = "";
        private String externalPosition = "";
        private boolean enabled = true;

        private Builder(String userId) {
            Objects.requireNonNull(userId, "userId == null");
            if (userId.isBlank() || userId.length() > 64) {
                throw new IllegalArgumentException("userId must be 1 to 64 characters: '" + userId + "'");
            }
            this.userId = userId;
        }

        /**
         * Sets the name.
         *
         * @param name the display name; default the userid
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name == null");
            return this;
        }

        /**
         * Sets the departments.
         *
         * @param ids department ids; default {@code [1]}
         * @return this builder
         */
        public Builder department(long... ids) {
            List<Long> list = new ArrayList<>();
            for (long id : ids) {
                list.add(id);
            }
            this.department = list;
            return this;
        }

        /**
         * Sets the order.
         *
         * @param order sort order inside each department, same length as the departments
         * @return this builder
         */
        public Builder order(long... order) {
            List<Long> list = new ArrayList<>();
            for (long o : order) {
                list.add(o);
            }
            this.order = list;
            return this;
        }

        /**
         * Sets the position.
         *
         * @param position the job title
         * @return this builder
         */
        public Builder position(String position) {
            this.position = Objects.requireNonNull(position, "position == null");
            return this;
        }

        /**
         * Sets the mobile.
         *
         * @param mobile the mobile number
         * @return this builder
         */
        public Builder mobile(String mobile) {
            this.mobile = Objects.requireNonNull(mobile, "mobile == null");
            return this;
        }

        /**
         * Sets the gender.
         *
         * @param gender "0" unknown, "1" male, "2" female (a string, as WeCom sends it)
         * @return this builder
         */
        public Builder gender(String gender) {
            this.gender = Objects.requireNonNull(gender, "gender == null");
            return this;
        }

        /**
         * Sets the email.
         *
         * @param email the email address
         * @return this builder
         */
        public Builder email(String email) {
            this.email = Objects.requireNonNull(email, "email == null");
            return this;
        }

        /**
         * Sets the biz mail.
         *
         * @param bizMail the corp mailbox address
         * @return this builder
         */
        public Builder bizMail(String bizMail) {
            this.bizMail = Objects.requireNonNull(bizMail, "bizMail == null");
            return this;
        }

        /**
         * Sets the leader flags.
         *
         * @param flags 1 where the member leads the department at the same index, else 0
         * @return this builder
         */
        public Builder isLeaderInDept(int... flags) {
            List<Integer> list = new ArrayList<>();
            for (int f : flags) {
                list.add(f);
            }
            this.isLeaderInDept = list;
            return this;
        }

        /**
         * Sets the direct leaders.
         *
         * @param userIds the member's direct leaders (up to 5)
         * @return this builder
         */
        public Builder directLeader(String... userIds) {
            this.directLeader = List.of(userIds);
            return this;
        }

        /**
         * Sets the avatar.
         *
         * @param avatar the avatar URL
         * @return this builder
         */
        public Builder avatar(String avatar) {
            this.avatar = Objects.requireNonNull(avatar, "avatar == null");
            this.thumbAvatar = avatar.isEmpty() ? "" : avatar + "/100";
            return this;
        }

        /**
         * Sets the telephone.
         *
         * @param telephone the landline
         * @return this builder
         */
        public Builder telephone(String telephone) {
            this.telephone = Objects.requireNonNull(telephone, "telephone == null");
            return this;
        }

        /**
         * Sets the alias.
         *
         * @param alias the alias
         * @return this builder
         */
        public Builder alias(String alias) {
            this.alias = Objects.requireNonNull(alias, "alias == null");
            return this;
        }

        /**
         * Sets the address.
         *
         * @param address the office address
         * @return this builder
         */
        public Builder address(String address) {
            this.address = Objects.requireNonNull(address, "address == null");
            return this;
        }

        /**
         * Sets the open user id.
         *
         * @param openUserId the open_userid (third-party apps)
         * @return this builder
         */
        public Builder openUserId(String openUserId) {
            this.openUserId = Objects.requireNonNull(openUserId, "openUserId == null");
            return this;
        }

        /**
         * Sets the main department.
         *
         * @param id the main department; default the first department
         * @return this builder
         */
        public Builder mainDepartment(long id) {
            this.mainDepartment = id;
            return this;
        }

        /**
         * Sets the status.
         *
         * @param status 1 active (default), 2 disabled, 4 not activated, 5 left the corp
         * @return this builder
         */
        public Builder status(int status) {
            this.status = status;
            return this;
        }

        /**
         * Sets the qr code.
         *
         * @param qrCode the member's QR code URL
         * @return this builder
         */
        public Builder qrCode(String qrCode) {
            this.qrCode = Objects.requireNonNull(qrCode, "qrCode == null");
            return this;
        }

        /**
         * Sets the external position.
         *
         * @param externalPosition the title shown to external contacts
         * @return this builder
         */
        public Builder externalPosition(String externalPosition) {
            this.externalPosition = Objects.requireNonNull(externalPosition, "externalPosition == null");
            return this;
        }

        /**
         * Sets whether the account is enabled.
         *
         * @param enabled whether the account is enabled (WeCom's {@code enable} 1/0); default true
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** @return the member */
        public FakeMember build() {
            return new FakeMember(this);
        }
    }
}
