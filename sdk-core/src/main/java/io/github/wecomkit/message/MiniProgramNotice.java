package io.github.wecomkit.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mini-program notice ({@code message/send} with {@code msgtype=miniprogram_notice}): a card in the members'
 * WeCom chat with the app that opens a page of the mini-program. Immutable; built and checked by
 * {@link #builder()}, sent by {@link Messages#send(MiniProgramNotice)}.
 *
 * <pre>{@code
 * MiniProgramNotice notice = MiniProgramNotice.builder()
 *         .appId("wx0123456789abcdef")              // the mini-program bound to the sending app
 *         .page("pages/meeting/detail?id=42")
 *         .title("会议室预订成功")
 *         .description("4月8日 10:00")
 *         .contentItem("会议室", "3楼 301")
 *         .contentItem("时间", "10:00 - 11:00")
 *         .toUsers("zhangsan", "lisi")
 *         .build();
 * }</pre>
 *
 * <p><b>Limits.</b> {@link Builder#build()} checks every limit WeCom documents for this message type before
 * anything is sent, and names the field and the limit (never the value) when one is broken. The limits are
 * WeCom's, from its message documentation, as constants of this class: the page at most
 * {@value #MAX_PAGE_BYTES} <em>bytes</em> (UTF-8); the title {@value #MIN_TITLE_CHARS} to
 * {@value #MAX_TITLE_CHARS} and the description {@value #MIN_DESCRIPTION_CHARS} to
 * {@value #MAX_DESCRIPTION_CHARS} <em>characters</em>, content keys at most {@value #MAX_KEY_CHARS} and values at
 * most {@value #MAX_VALUE_CHARS} characters, at most {@value #MAX_CONTENT_ITEMS} content items, at most
 * {@value #MAX_USERS} users, {@value #MAX_PARTIES} departments and {@value #MAX_TAGS} tags, and no {@code @all}.
 * WeCom states the text limits in Chinese characters (汉字) and does not say how it counts other scripts;
 * wecomkit counts Unicode code points, so 12 Chinese characters and 12 Latin letters both fit a title. With
 * {@link Builder#enableIdTrans(boolean) id translation} each {@code $userName=...$} or
 * {@code $departmentName=...$} placeholder counts as one character (WeCom replaces it with a name).
 *
 * <p><b>agentid.</b> WeCom's example of this message type has no {@code agentid} (the token already names the
 * app), and its docs do not say whether the field is required or ignored here. wecomkit sends it only when
 * {@link Builder#agentId(long)} was called.
 */
public final class MiniProgramNotice {
    /** The page path, in bytes of UTF-8. */
    public static final int MAX_PAGE_BYTES = 1024;
    /** The title's shortest length, in characters. */
    public static final int MIN_TITLE_CHARS = 4;
    /** The title's longest length, in characters. */
    public static final int MAX_TITLE_CHARS = 12;
    /** The description's shortest length, in characters. */
    public static final int MIN_DESCRIPTION_CHARS = 4;
    /** The description's longest length, in characters. */
    public static final int MAX_DESCRIPTION_CHARS = 12;
    /** A content item's key, in characters. */
    public static final int MAX_KEY_CHARS = 10;
    /** A content item's value, in characters. */
    public static final int MAX_VALUE_CHARS = 30;
    /** Content items per notice. */
    public static final int MAX_CONTENT_ITEMS = 10;
    /** Users per notice. */
    public static final int MAX_USERS = 1000;
    /** Departments per notice. */
    public static final int MAX_PARTIES = 100;
    /** Tags per notice. */
    public static final int MAX_TAGS = 100;
    /** A user id, in bytes of UTF-8 (WeCom's user id limit). */
    public static final int MAX_USER_ID_BYTES = 64;
    /** WeCom's duplicate-check window when none is given. */
    public static final Duration DEFAULT_DUPLICATE_CHECK_INTERVAL = Duration.ofSeconds(1800);
    /** WeCom's longest duplicate-check window. */
    public static final Duration MAX_DUPLICATE_CHECK_INTERVAL = Duration.ofHours(4);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID_TRANS = Pattern.compile("\\$(?:userName|departmentName)=[^$]*\\$");
    private static final Pattern DEPARTMENT_OR_TAG_ID = Pattern.compile("[0-9]{1,10}");

    private final String appId;
    private final String page;
    private final String title;
    private final String description;
    private final boolean emphasisFirstItem;
    private final List<ContentItem> contentItems;
    private final List<String> toUsers;
    private final List<String> toParties;
    private final List<String> toTags;
    private final boolean enableIdTrans;
    private final boolean enableDuplicateCheck;
    private final Duration duplicateCheckInterval;
    private final Long agentId;

    private MiniProgramNotice(Builder b) {
        this.appId = b.appId;
        this.page = b.page;
        this.title = b.title;
        this.description = b.description;
        this.emphasisFirstItem = b.emphasisFirstItem;
        this.contentItems = List.copyOf(b.contentItems);
        this.toUsers = List.copyOf(b.toUsers);
        this.toParties = List.copyOf(b.toParties);
        this.toTags = List.copyOf(b.toTags);
        this.enableIdTrans = b.enableIdTrans;
        this.enableDuplicateCheck = b.enableDuplicateCheck;
        this.duplicateCheckInterval = b.duplicateCheckInterval;
        this.agentId = b.agentId;
    }

    /** @return a builder; {@code appId}, {@code title} and at least one recipient are required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the mini-program's appid ({@code wx...}) */
    public String appId() {
        return appId;
    }

    /** @return the page the card opens, if any (without one the card does not open a page) */
    public Optional<String> page() {
        return Optional.ofNullable(page);
    }

    /** @return the title */
    public String title() {
        return title;
    }

    /** @return the description under the title, if any */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** @return whether the first content item is shown enlarged */
    public boolean emphasisFirstItem() {
        return emphasisFirstItem;
    }

    /** @return the key/value lines of the card, in order, unmodifiable */
    public List<ContentItem> contentItems() {
        return contentItems;
    }

    /** @return the recipients' user ids, unmodifiable */
    public List<String> toUsers() {
        return toUsers;
    }

    /** @return the recipient departments' ids, unmodifiable */
    public List<String> toParties() {
        return toParties;
    }

    /** @return the recipient tags' ids, unmodifiable */
    public List<String> toTags() {
        return toTags;
    }

    /** @return whether WeCom translates {@code $userName=...$} placeholders in the title and values */
    public boolean enableIdTrans() {
        return enableIdTrans;
    }

    /** @return whether WeCom drops a repeat of this notice within {@link #duplicateCheckInterval()} */
    public boolean enableDuplicateCheck() {
        return enableDuplicateCheck;
    }

    /**
     * @return the duplicate-check window: the one given, or WeCom's default {@link #DEFAULT_DUPLICATE_CHECK_INTERVAL}
     *     when the check is on; empty when it is off
     */
    public Optional<Duration> duplicateCheckInterval() {
        if (!enableDuplicateCheck) {
            return Optional.empty();
        }
        return Optional.of(duplicateCheckInterval != null ? duplicateCheckInterval : DEFAULT_DUPLICATE_CHECK_INTERVAL);
    }

    /** @return the agent id sent with the notice, if one was given */
    public OptionalLong agentId() {
        return agentId == null ? OptionalLong.empty() : OptionalLong.of(agentId);
    }

    /** The JSON body of {@code message/send}, field names as WeCom spells them; empty fields left out. */
    byte[] toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        putJoined(body, "touser", toUsers);
        putJoined(body, "toparty", toParties);
        putJoined(body, "totag", toTags);
        body.put("msgtype", "miniprogram_notice");
        if (agentId != null) {
            body.put("agentid", agentId);
        }
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("appid", appId);
        if (page != null) {
            notice.put("page", page);
        }
        notice.put("title", title);
        if (description != null) {
            notice.put("description", description);
        }
        notice.put("emphasis_first_item", emphasisFirstItem);
        if (!contentItems.isEmpty()) {
            List<Map<String, String>> items = new ArrayList<>(contentItems.size());
            for (ContentItem item : contentItems) {
                Map<String, String> line = new LinkedHashMap<>();
                line.put("key", item.key());
                line.put("value", item.value());
                items.add(line);
            }
            notice.put("content_item", items);
        }
        body.put("miniprogram_notice", notice);
        body.put("enable_id_trans", enableIdTrans ? 1 : 0);
        body.put("enable_duplicate_check", enableDuplicateCheck ? 1 : 0);
        if (enableDuplicateCheck && duplicateCheckInterval != null) {
            body.put("duplicate_check_interval", duplicateCheckInterval.getSeconds());
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers and booleans always serialises", e);
        }
    }

    private static void putJoined(Map<String, Object> body, String field, List<String> ids) {
        if (!ids.isEmpty()) {
            body.put(field, String.join("|", ids));
        }
    }

    /** @return the appid, title, number of content items and recipients; the notice's text is not a secret */
    @Override
    public String toString() {
        return "MiniProgramNotice{appId=" + appId + ", title=" + title + ", contentItems=" + contentItems.size()
                + ", toUsers=" + toUsers.size() + ", toParties=" + toParties.size() + ", toTags=" + toTags.size()
                + (enableDuplicateCheck ? ", duplicateCheck=" + duplicateCheckInterval().orElseThrow() : "") + "}";
    }

    /**
     * One key/value line of a notice's card.
     *
     * @param key   the label, at most {@value #MAX_KEY_CHARS} characters
     * @param value the text, at most {@value #MAX_VALUE_CHARS} characters
     */
    public record ContentItem(String key, String value) {
        /**
         * @param key   the label
         * @param value the text
         */
        public ContentItem {
            Objects.requireNonNull(key, "key == null");
            Objects.requireNonNull(value, "value == null");
        }
    }

    /**
     * Builds a {@link MiniProgramNotice}. Setters reject {@code null} at once; {@link #build()} checks every
     * limit, so a notice that exists is one WeCom accepts as far as its docs say.
     *
     * <pre>{@code
     * MiniProgramNotice.builder().appId(appId).title("审批已通过").toUsers(userId)
     *         .enableDuplicateCheck(true).build();
     * }</pre>
     */
    public static final class Builder {
        private String appId;
        private String page;
        private String title;
        private String description;
        private boolean emphasisFirstItem;
        private final List<ContentItem> contentItems = new ArrayList<>();
        private List<String> toUsers = List.of();
        private List<String> toParties = List.of();
        private List<String> toTags = List.of();
        private boolean enableIdTrans;
        private boolean enableDuplicateCheck;
        private Duration duplicateCheckInterval;
        private Long agentId;

        private Builder() {
        }

        /**
         * @param appId the appid ({@code wx...}) of the mini-program bound to the sending app; required
         * @return this builder
         */
        public Builder appId(String appId) {
            this.appId = Objects.requireNonNull(appId, "appId == null");
            return this;
        }

        /**
         * @param page the mini-program page the card opens, e.g. {@code pages/index?id=1}; at most
         *             {@value MiniProgramNotice#MAX_PAGE_BYTES} bytes. Without one, tapping the card opens nothing.
         * @return this builder
         */
        public Builder page(String page) {
            this.page = Objects.requireNonNull(page, "page == null");
            return this;
        }

        /**
         * @param title the title, {@value MiniProgramNotice#MIN_TITLE_CHARS} to
         *              {@value MiniProgramNotice#MAX_TITLE_CHARS} characters; required
         * @return this builder
         */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title == null");
            return this;
        }

        /**
         * @param description the line under the title, {@value MiniProgramNotice#MIN_DESCRIPTION_CHARS} to
         *                    {@value MiniProgramNotice#MAX_DESCRIPTION_CHARS} characters
         * @return this builder
         */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description == null");
            return this;
        }

        /**
         * @param emphasisFirstItem whether the first content item is shown enlarged; {@code false} by default
         * @return this builder
         */
        public Builder emphasisFirstItem(boolean emphasisFirstItem) {
            this.emphasisFirstItem = emphasisFirstItem;
            return this;
        }

        /**
         * Adds a key/value line; at most {@value MiniProgramNotice#MAX_CONTENT_ITEMS}.
         *
         * @param key   the label, at most {@value MiniProgramNotice#MAX_KEY_CHARS} characters
         * @param value the text, at most {@value MiniProgramNotice#MAX_VALUE_CHARS} characters
         * @return this builder
         */
        public Builder contentItem(String key, String value) {
            contentItems.add(new ContentItem(key, value));
            return this;
        }

        /**
         * @param userIds the recipients' user ids, replacing any given before; at most
         *                {@value MiniProgramNotice#MAX_USERS}; {@code @all} is refused for this message type
         * @return this builder
         */
        public Builder toUsers(String... userIds) {
            return toUsers(Arrays.asList(Objects.requireNonNull(userIds, "userIds == null")));
        }

        /**
         * @param userIds the recipients' user ids, replacing any given before
         * @return this builder
         */
        public Builder toUsers(Collection<String> userIds) {
            this.toUsers = copy("toUsers", userIds);
            return this;
        }

        /**
         * @param partyIds the recipient departments' ids (numbers), replacing any given before; at most
         *                 {@value MiniProgramNotice#MAX_PARTIES}
         * @return this builder
         */
        public Builder toParties(String... partyIds) {
            return toParties(Arrays.asList(Objects.requireNonNull(partyIds, "partyIds == null")));
        }

        /**
         * @param partyIds the recipient departments' ids, replacing any given before
         * @return this builder
         */
        public Builder toParties(Collection<String> partyIds) {
            this.toParties = copy("toParties", partyIds);
            return this;
        }

        /**
         * @param tagIds the recipient tags' ids (numbers), replacing any given before; at most
         *               {@value MiniProgramNotice#MAX_TAGS}
         * @return this builder
         */
        public Builder toTags(String... tagIds) {
            return toTags(Arrays.asList(Objects.requireNonNull(tagIds, "tagIds == null")));
        }

        /**
         * @param tagIds the recipient tags' ids, replacing any given before
         * @return this builder
         */
        public Builder toTags(Collection<String> tagIds) {
            this.toTags = copy("toTags", tagIds);
            return this;
        }

        /**
         * @param enableIdTrans whether WeCom replaces {@code $userName=ID$} and {@code $departmentName=ID$} in the
         *                      title and the values with names; {@code false} by default
         * @return this builder
         */
        public Builder enableIdTrans(boolean enableIdTrans) {
            this.enableIdTrans = enableIdTrans;
            return this;
        }

        /**
         * Asks WeCom to drop a repeat of this notice (the same content to the same recipients from the same app)
         * within the {@link #duplicateCheckInterval(Duration) interval}. It also makes the notice safe to send
         * again after a lost answer, so wecomkit then re-sends it after a transport failure (see
         * {@link Messages#send(MiniProgramNotice)}). {@code false} by default.
         *
         * @param enableDuplicateCheck whether WeCom checks for duplicates
         * @return this builder
         */
        public Builder enableDuplicateCheck(boolean enableDuplicateCheck) {
            this.enableDuplicateCheck = enableDuplicateCheck;
            return this;
        }

        /**
         * @param interval the duplicate-check window, whole seconds, 1 s to
         *                 {@link MiniProgramNotice#MAX_DUPLICATE_CHECK_INTERVAL} (4 h); WeCom's default
         *                 {@link MiniProgramNotice#DEFAULT_DUPLICATE_CHECK_INTERVAL} (30 min) unless given. Needs
         *                 {@link #enableDuplicateCheck(boolean)}.
         * @return this builder
         */
        public Builder duplicateCheckInterval(Duration interval) {
            this.duplicateCheckInterval = Objects.requireNonNull(interval, "interval == null");
            return this;
        }

        /**
         * @param agentId the sending app's agent id, sent as {@code agentid}; left out unless given (see the
         *                class comment)
         * @return this builder
         */
        public Builder agentId(long agentId) {
            this.agentId = agentId;
            return this;
        }

        /**
         * @return the notice
         * @throws IllegalStateException    if {@code appId} or {@code title} is missing, no recipient is given, or
         *                                  a duplicate-check interval is given without the check
         * @throws IllegalArgumentException naming the field and the limit, for a value that breaks one of
         *                                  WeCom's documented limits (the value itself is never shown)
         */
        public MiniProgramNotice build() {
            if (appId == null) {
                throw new IllegalStateException("appId is required: the appid of the mini-program bound to the app");
            }
            if (title == null) {
                throw new IllegalStateException("title is required");
            }
            if (toUsers.isEmpty() && toParties.isEmpty() && toTags.isEmpty()) {
                throw new IllegalStateException("a notice needs at least one recipient: toUsers, toParties or toTags"
                        + " (@all is not allowed for mini-program notices)");
            }
            if (duplicateCheckInterval != null && !enableDuplicateCheck) {
                throw new IllegalStateException("duplicateCheckInterval needs enableDuplicateCheck(true)");
            }
            plain("appId", appId);
            if (appId.isBlank() || appId.length() > 64) {
                throw new IllegalArgumentException("appId must be 1 to 64 characters, not blank");
            }
            if (page != null) {
                plain("page", page);
                int bytes = page.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_PAGE_BYTES) {
                    throw new IllegalArgumentException("page must be at most " + MAX_PAGE_BYTES + " bytes (UTF-8): "
                            + bytes + " bytes");
                }
            }
            text("title", title, MIN_TITLE_CHARS, MAX_TITLE_CHARS, enableIdTrans);
            if (description != null) {
                text("description", description, MIN_DESCRIPTION_CHARS, MAX_DESCRIPTION_CHARS, false);
            }
            if (contentItems.size() > MAX_CONTENT_ITEMS) {
                throw new IllegalArgumentException("contentItems must be at most " + MAX_CONTENT_ITEMS + ": "
                        + contentItems.size() + " items");
            }
            for (int i = 0; i < contentItems.size(); i++) {
                ContentItem item = contentItems.get(i);
                text("contentItems[" + i + "].key", item.key(), 1, MAX_KEY_CHARS, false);
                text("contentItems[" + i + "].value", item.value(), 1, MAX_VALUE_CHARS, enableIdTrans);
            }
            count("toUsers", toUsers, MAX_USERS);
            count("toParties", toParties, MAX_PARTIES);
            count("toTags", toTags, MAX_TAGS);
            for (int i = 0; i < toUsers.size(); i++) {
                userId("toUsers[" + i + "]", toUsers.get(i));
            }
            for (int i = 0; i < toParties.size(); i++) {
                departmentOrTagId("toParties[" + i + "]", toParties.get(i));
            }
            for (int i = 0; i < toTags.size(); i++) {
                departmentOrTagId("toTags[" + i + "]", toTags.get(i));
            }
            if (duplicateCheckInterval != null) {
                if (duplicateCheckInterval.getNano() != 0 || duplicateCheckInterval.getSeconds() < 1
                        || duplicateCheckInterval.compareTo(MAX_DUPLICATE_CHECK_INTERVAL) > 0) {
                    throw new IllegalArgumentException("duplicateCheckInterval must be whole seconds from 1 s to "
                            + MAX_DUPLICATE_CHECK_INTERVAL.toHours() + " h");
                }
            }
            if (agentId != null && (agentId < 1 || agentId > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("agentId must be a positive 32-bit number");
            }
            return new MiniProgramNotice(this);
        }

        private static List<String> copy(String field, Collection<String> ids) {
            Objects.requireNonNull(ids, field + " == null");
            List<String> copy = new ArrayList<>(ids.size());
            for (String id : ids) {
                copy.add(Objects.requireNonNull(id, field + " element == null"));
            }
            return copy;
        }

        private static void count(String field, List<String> ids, int max) {
            if (ids.size() > max) {
                throw new IllegalArgumentException(field + " must name at most " + max + ": " + ids.size()
                        + " given");
            }
        }

        private static void userId(String field, String userId) {
            if (userId.equalsIgnoreCase("@all")) {
                throw new IllegalArgumentException(field + " is @all, which mini-program notices do not allow;"
                        + " name the users, departments or tags");
            }
            plain(field, userId);
            int bytes = userId.getBytes(StandardCharsets.UTF_8).length;
            if (userId.isBlank() || bytes > MAX_USER_ID_BYTES || userId.indexOf('|') >= 0) {
                throw new IllegalArgumentException(field + " must be a user id: 1 to " + MAX_USER_ID_BYTES
                        + " bytes, not blank, without '|'");
            }
        }

        private static void departmentOrTagId(String field, String id) {
            if (id.toLowerCase(Locale.ROOT).equals("@all")) {
                throw new IllegalArgumentException(field + " is @all, which mini-program notices do not allow");
            }
            if (!DEPARTMENT_OR_TAG_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(field + " must be a numeric id of at most 10 digits");
            }
        }

        private static void text(String field, String value, int min, int max, boolean idTrans) {
            plain(field, value);
            if (value.isBlank()) {
                throw new IllegalArgumentException(field + " is blank");
            }
            int chars = characters(value, idTrans);
            if (chars < min || chars > max) {
                throw new IllegalArgumentException(field + " must be " + min + " to " + max
                        + " characters (WeCom's limit): " + chars + " characters");
            }
        }

        private static void plain(String field, String value) {
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new IllegalArgumentException(field + " contains a control character at index " + i);
                }
            }
        }

        /** Code points, with each id-translation placeholder counted as one (it becomes a name). */
        static int characters(String value, boolean idTrans) {
            if (!idTrans) {
                return value.codePointCount(0, value.length());
            }
            Matcher m = ID_TRANS.matcher(value);
            int chars = 0;
            int at = 0;
            while (m.find()) {
                chars += value.codePointCount(at, m.start()) + 1;
                at = m.end();
            }
            return chars + value.codePointCount(at, value.length());
        }
    }
}
