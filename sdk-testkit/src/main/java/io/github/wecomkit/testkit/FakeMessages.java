package io.github.wecomkit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * {@code message/send} on the fake: checks the body as WeCom does, resolves recipients against the corp, drops
 * duplicates within WeCom's duplicate-check window, and records what it delivered.
 *
 * <p>Which errcode WeCom answers for some malformed notices is not documented; those answers are marked
 * "unconfirmed" below. wecomkit's own {@code MiniProgramNotice} refuses them before sending, so they matter only
 * to hand-written bodies.
 */
final class FakeMessages {
    /** WeCom's documented message types; another gives 40008. */
    private static final Set<String> MSGTYPES = Set.of("text", "image", "voice", "video", "file", "textcard",
            "news", "mpnews", "markdown", "miniprogram_notice", "template_card");
    private static final int MAX_USERS = 1000;
    private static final int MAX_PARTIES = 100;
    private static final int MAX_TAGS = 100;
    private static final int MAX_CONTENT_ITEMS = 10;
    private static final long DEFAULT_DUPLICATE_CHECK_SECONDS = 1800;
    private static final long MAX_DUPLICATE_CHECK_SECONDS = 4 * 3600;

    private final Clock clock;
    private final List<String> sentJson = new CopyOnWriteArrayList<>();
    private final List<SentNotice> sentNotices = new CopyOnWriteArrayList<>();
    private final AtomicLong nextMsgId = new AtomicLong(1);
    /** Messages sent with the duplicate check on, per app and body, while their window lasts. */
    private final Map<Duplicate, Delivered> recent = new HashMap<>();

    private record Duplicate(FakeApp app, JsonNode body) {
    }

    private record Delivered(Instant until, Map<String, Object> answer) {
    }

    /** Forgets every delivered message and the duplicate check's memory. */
    void reset() {
        synchronized (recent) {
            recent.clear();
        }
        sentJson.clear();
        sentNotices.clear();
        nextMsgId.set(1);
    }

    FakeMessages(Clock clock) {
        this.clock = clock;
    }

    List<String> sentJson() {
        return List.copyOf(sentJson);
    }

    List<SentNotice> sentNotices() {
        return List.copyOf(sentNotices);
    }

    /**
     * @param app   the app whose token made the call
     * @param post  whether the request was a POST
     * @param body  the request body
     * @param error builds WeCom's error body for an errcode
     * @return the answer
     */
    Map<String, Object> send(FakeApp app, boolean post, byte[] body, IntFunction<Map<String, Object>> error) {
        if (!post) {
            return error.apply(40058);
        }
        JsonNode json;
        try {
            json = WeComReplies.JSON.readTree(body);
        } catch (IOException e) {
            return error.apply(40058);
        }
        if (json == null || !json.isObject() || !json.path("msgtype").isTextual()) {
            return error.apply(40058);
        }
        String msgtype = json.get("msgtype").asText();
        if (!MSGTYPES.contains(msgtype)) {
            return error.apply(40008);
        }
        boolean notice = msgtype.equals("miniprogram_notice");
        int refused = notice ? checkNotice(app, json) : checkAgentId(app, json, true);
        if (refused == 0) {
            refused = checkRecipients(json, notice);
        }
        if (refused != 0) {
            return error.apply(refused);
        }
        synchronized (recent) {
            Instant now = clock.instant();
            recent.values().removeIf(d -> !now.isBefore(d.until));
            Duplicate key = new Duplicate(app, json);
            Delivered earlier = recent.get(key);
            if (earlier != null) {
                // WeCom drops the repeat; what it answers then is not documented: the first answer again.
                return new LinkedHashMap<>(earlier.answer);
            }
            Map<String, Object> answer = deliver(app, json, notice, body, error);
            if (answer.get("errcode").equals(0) && json.path("enable_duplicate_check").asInt(0) == 1) {
                long window = json.path("duplicate_check_interval").asLong(DEFAULT_DUPLICATE_CHECK_SECONDS);
                recent.put(key, new Delivered(now.plus(Duration.ofSeconds(window)), new LinkedHashMap<>(answer)));
            }
            return answer;
        }
    }

    private Map<String, Object> deliver(FakeApp app, JsonNode json, boolean notice, byte[] body,
                                        IntFunction<Map<String, Object>> error) {
        FakeCorp corp = app.corp();
        List<String> invalidUsers = new ArrayList<>();
        List<String> invalidParties = new ArrayList<>();
        List<String> invalidTags = new ArrayList<>();
        int valid = 0;
        for (String userId : ids(json.path("touser").asText(""))) {
            if (!notice && userId.equals("@all")) {
                valid++;
            } else if (corp.member(userId).isPresent() && app.canSee(userId)) {
                valid++;
            } else {
                invalidUsers.add(userId.toLowerCase(Locale.ROOT)); // WeCom answers user ids lowercased
            }
        }
        for (String partyId : ids(json.path("toparty").asText(""))) {
            if (corp.hasDepartment(partyId)) {
                valid++;
            } else {
                invalidParties.add(partyId);
            }
        }
        for (String tagId : ids(json.path("totag").asText(""))) {
            if (corp.hasTag(tagId)) {
                valid++;
            } else {
                invalidTags.add(tagId);
            }
        }
        if (valid == 0) {
            return error.apply(81013); // partly invalid recipients still send; none valid, nothing is sent
        }
        String msgId = "fake-msg-" + nextMsgId.getAndIncrement();
        sentJson.add(new String(body, StandardCharsets.UTF_8));
        if (notice) {
            sentNotices.add(new SentNotice(app, json, invalidUsers, msgId, clock.instant()));
        }
        Map<String, Object> answer = WeComReplies.ok();
        answer.put("invaliduser", String.join("|", invalidUsers));
        answer.put("invalidparty", String.join("|", invalidParties));
        answer.put("invalidtag", String.join("|", invalidTags));
        answer.put("unlicenseduser", "");
        answer.put("msgid", msgId);
        return answer;
    }

    /** @return 0, or the errcode WeCom answers for this notice */
    private static int checkNotice(FakeApp app, JsonNode json) {
        if (!app.isMiniProgram()) {
            return 48002; // documented: only an app bound to a mini-program may send one
        }
        int agent = checkAgentId(app, json, false);
        if (agent != 0) {
            return agent;
        }
        JsonNode notice = json.path("miniprogram_notice");
        if (!notice.isObject() || notice.path("appid").asText("").isBlank()
                || notice.path("title").asText("").isBlank()) {
            return 40063; // appid and title are required; the code for a missing one is unconfirmed
        }
        JsonNode items = notice.path("content_item");
        if (!items.isMissingNode() && (!items.isArray() || items.size() > MAX_CONTENT_ITEMS)) {
            return 40058; // at most 10 items (documented); the code is unconfirmed
        }
        if (json.path("enable_duplicate_check").asInt(0) == 1 && json.has("duplicate_check_interval")) {
            long interval = json.path("duplicate_check_interval").asLong(-1);
            if (interval < 1 || interval > MAX_DUPLICATE_CHECK_SECONDS) {
                return 40058; // at most 4 hours (documented); the code is unconfirmed
            }
        }
        return 0;
    }

    /**
     * Every message type but the notice requires {@code agentid} (41011 without it); given, it must be the
     * token's app (301002 otherwise). For a notice it is optional (unconfirmed).
     */
    private static int checkAgentId(FakeApp app, JsonNode json, boolean required) {
        JsonNode agentId = json.get("agentid");
        if (agentId == null || agentId.isNull()) {
            return required ? 41011 : 0;
        }
        if (!agentId.canConvertToLong() || agentId.asLong() != app.agentId()) {
            return 301002;
        }
        return 0;
    }

    /** @return 0, or the errcode for recipients over WeCom's limits */
    private static int checkRecipients(JsonNode json, boolean notice) {
        List<String> users = ids(json.path("touser").asText(""));
        if (notice && users.stream().anyMatch(u -> u.equalsIgnoreCase("@all"))) {
            return 40058; // documented: no @all for this type; the code is unconfirmed
        }
        if (users.size() > MAX_USERS) {
            return 40032; // documented: at most 1000 users per message
        }
        if (ids(json.path("toparty").asText("")).size() > MAX_PARTIES
                || ids(json.path("totag").asText("")).size() > MAX_TAGS) {
            return 40058; // documented limits of 100 each; the code is unconfirmed
        }
        return 0;
    }

    /** Splits WeCom's {@code a|b|c}; an empty string is no id. */
    static List<String> ids(String joined) {
        if (joined.isEmpty()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String id : joined.split("\\|")) {
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return Collections.unmodifiableList(ids);
    }
}
