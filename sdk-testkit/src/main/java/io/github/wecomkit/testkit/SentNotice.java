package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A mini-program notice that a {@link FakeWeCom} delivered: what {@code message/send} received, parsed, for a
 * test's assertions. A notice WeCom would drop (a duplicate within its check's interval, one with no valid
 * recipient, one refused with an errcode) is not recorded.
 *
 * <pre>{@code
 * SentNotice notice = wecom.sentNotices().get(0);
 * assertEquals("会议提醒", notice.title());
 * assertEquals(List.of("zhangsan"), notice.toUsers());
 * }</pre>
 */
public final class SentNotice {
    /**
     * One key/value line of the card.
     *
     * @param key   the label
     * @param value the text
     */
    public record Item(String key, String value) {
    }

    private final String corpId;
    private final long agentId;
    private final String msgId;
    private final Instant sentAt;
    private final List<String> toUsers;
    private final List<String> toParties;
    private final List<String> toTags;
    private final List<String> invalidUsers;
    private final String appId;
    private final String page;
    private final String title;
    private final String description;
    private final boolean emphasisFirstItem;
    private final List<Item> contentItems;
    private final boolean enableIdTrans;
    private final boolean enableDuplicateCheck;
    private final String json;

    SentNotice(FakeApp app, JsonNode body, List<String> invalidUsers, String msgId, Instant sentAt) {
        JsonNode notice = body.path("miniprogram_notice");
        this.corpId = app.corp().corpId();
        this.agentId = app.agentId();
        this.msgId = msgId;
        this.sentAt = sentAt;
        this.toUsers = FakeMessages.ids(body.path("touser").asText(""));
        this.toParties = FakeMessages.ids(body.path("toparty").asText(""));
        this.toTags = FakeMessages.ids(body.path("totag").asText(""));
        this.invalidUsers = List.copyOf(invalidUsers);
        this.appId = notice.path("appid").asText("");
        this.page = notice.hasNonNull("page") ? notice.get("page").asText() : null;
        this.title = notice.path("title").asText("");
        this.description = notice.hasNonNull("description") ? notice.get("description").asText() : null;
        this.emphasisFirstItem = notice.path("emphasis_first_item").asBoolean(false);
        List<Item> items = new ArrayList<>();
        for (JsonNode item : notice.path("content_item")) {
            items.add(new Item(item.path("key").asText(""), item.path("value").asText("")));
        }
        this.contentItems = Collections.unmodifiableList(items);
        this.enableIdTrans = body.path("enable_id_trans").asInt(0) == 1;
        this.enableDuplicateCheck = body.path("enable_duplicate_check").asInt(0) == 1;
        this.json = body.toString();
    }

    /** @return the corp of the app that sent it */
    public String corpId() {
        return corpId;
    }

    /** @return the agent id of the app that sent it (the token's app, whether or not the body named it) */
    public long agentId() {
        return agentId;
    }

    /** @return the msgid the fake answered */
    public String msgId() {
        return msgId;
    }

    /** @return when it was delivered, on the fake's clock */
    public Instant sentAt() {
        return sentAt;
    }

    /** @return {@code touser}, split, as sent (case kept) */
    public List<String> toUsers() {
        return toUsers;
    }

    /** @return {@code toparty}, split */
    public List<String> toParties() {
        return toParties;
    }

    /** @return {@code totag}, split */
    public List<String> toTags() {
        return toTags;
    }

    /** @return the users the fake answered as invalid, lowercased as WeCom does */
    public List<String> invalidUsers() {
        return invalidUsers;
    }

    /** @return the mini-program appid */
    public String appId() {
        return appId;
    }

    /** @return the page, if one was sent */
    public Optional<String> page() {
        return Optional.ofNullable(page);
    }

    /** @return the title */
    public String title() {
        return title;
    }

    /** @return the description, if one was sent */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** @return whether the first content item is enlarged */
    public boolean emphasisFirstItem() {
        return emphasisFirstItem;
    }

    /** @return the content items, in order */
    public List<Item> contentItems() {
        return contentItems;
    }

    /** @return whether {@code enable_id_trans} was 1 */
    public boolean enableIdTrans() {
        return enableIdTrans;
    }

    /** @return whether {@code enable_duplicate_check} was 1 */
    public boolean enableDuplicateCheck() {
        return enableDuplicateCheck;
    }

    /** @return the body as received, re-serialised (field order kept) */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return "SentNotice{corpId=" + corpId + ", msgId=" + msgId + ", title=" + title + ", toUsers=" + toUsers + "}";
    }
}
