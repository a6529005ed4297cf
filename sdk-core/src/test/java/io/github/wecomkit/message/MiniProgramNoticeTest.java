package io.github.wecomkit.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every limit WeCom documents for a mini-program notice, at its boundary on both sides, and the body it becomes.
 * A broken limit names the field and the limit and never the value.
 */
class MiniProgramNoticeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A marker no message may contain: proof that a value is never echoed. */
    private static final String SECRETISH = "XyZ";

    private static MiniProgramNotice.Builder valid() {
        return MiniProgramNotice.builder().appId("wx0123456789abcdef").title("会议室预订成功").toUsers("zhangsan");
    }

    private static String repeat(String s, int times) {
        return String.join("", Collections.nCopies(times, s));
    }

    /** Builds, expecting an IllegalArgumentException that names the field and the limit but not the value. */
    private static void refused(UnaryOperator<MiniProgramNotice.Builder> change, String field, String limit,
                                String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.apply(valid()).build());
        assertTrue(e.getMessage().startsWith(field), e.getMessage());
        assertTrue(e.getMessage().contains(limit), e.getMessage());
        if (value != null) {
            assertFalse(e.getMessage().contains(value), "the value is never shown: " + e.getMessage());
        }
    }

    private static JsonNode body(MiniProgramNotice notice) throws Exception {
        return JSON.readTree(notice.toJson());
    }

    @Test
    void build_withEveryField_writesWeComsBody() throws Exception {
        MiniProgramNotice notice = valid().page("pages/meeting/detail?id=42").description("4月8日 10:00")
                .emphasisFirstItem(true).contentItem("会议室", "3楼 301").contentItem("时间", "10:00 - 11:00")
                .toUsers("zhangsan", "LiSi").toParties("1", "2").toTags("7").enableIdTrans(true)
                .enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofMinutes(10)).agentId(1000002).build();

        JsonNode body = body(notice);

        assertEquals("zhangsan|LiSi", body.get("touser").asText());
        assertEquals("1|2", body.get("toparty").asText());
        assertEquals("7", body.get("totag").asText());
        assertEquals("miniprogram_notice", body.get("msgtype").asText());
        assertEquals(1000002, body.get("agentid").asLong());
        JsonNode n = body.get("miniprogram_notice");
        assertEquals("wx0123456789abcdef", n.get("appid").asText());
        assertEquals("pages/meeting/detail?id=42", n.get("page").asText());
        assertEquals("会议室预订成功", n.get("title").asText());
        assertEquals("4月8日 10:00", n.get("description").asText());
        assertTrue(n.get("emphasis_first_item").asBoolean());
        assertEquals("[{\"key\":\"会议室\",\"value\":\"3楼 301\"},{\"key\":\"时间\",\"value\":\"10:00 - 11:00\"}]",
                n.get("content_item").toString());
        assertEquals(1, body.get("enable_id_trans").asInt());
        assertEquals(1, body.get("enable_duplicate_check").asInt());
        assertEquals(600, body.get("duplicate_check_interval").asLong());
        assertEquals(OptionalLong.of(1000002), notice.agentId());
        assertEquals(Optional.of(Duration.ofMinutes(10)), notice.duplicateCheckInterval());
    }

    @Test
    void build_withTheRequiredFieldsOnly_leavesTheOptionalOnesOut() throws Exception {
        JsonNode body = body(valid().build());

        assertFalse(body.has("toparty") || body.has("totag") || body.has("agentid")
                || body.has("duplicate_check_interval"), body.toString());
        JsonNode n = body.get("miniprogram_notice");
        assertFalse(n.has("page") || n.has("description") || n.has("content_item"), n.toString());
        assertFalse(n.get("emphasis_first_item").asBoolean());
        assertEquals(0, body.get("enable_id_trans").asInt());
        assertEquals(0, body.get("enable_duplicate_check").asInt());
    }

    @Test
    void duplicateCheck_withoutAnInterval_usesWeComsDefault_andSendsNone() throws Exception {
        MiniProgramNotice notice = valid().enableDuplicateCheck(true).build();
        assertEquals(Optional.of(MiniProgramNotice.DEFAULT_DUPLICATE_CHECK_INTERVAL), notice.duplicateCheckInterval());
        assertFalse(body(notice).has("duplicate_check_interval"));
        assertEquals(Optional.empty(), valid().build().duplicateCheckInterval());
    }

    @Test
    void required_missing_isAnIllegalStateNamingIt() {
        assertTrue(assertThrows(IllegalStateException.class,
                () -> MiniProgramNotice.builder().title("会议提醒通知").toUsers("a").build()).getMessage()
                .contains("appId"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> MiniProgramNotice.builder().appId("wx1").toUsers("a").build()).getMessage().contains("title"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> MiniProgramNotice.builder().appId("wx1").title("会议提醒通知").build()).getMessage()
                .contains("recipient"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> valid().duplicateCheckInterval(Duration.ofMinutes(5)).build()).getMessage()
                .contains("enableDuplicateCheck"));
    }

    @Test
    void nulls_areRefusedAtOnce() {
        assertEquals("appId == null", assertThrows(NullPointerException.class,
                () -> MiniProgramNotice.builder().appId(null)).getMessage());
        assertEquals("toUsers element == null", assertThrows(NullPointerException.class,
                () -> MiniProgramNotice.builder().toUsers("a", null)).getMessage());
        assertEquals("value == null", assertThrows(NullPointerException.class,
                () -> MiniProgramNotice.builder().contentItem("k", null)).getMessage());
    }

    @Test
    void title_fourToTwelveCharacters_countedAsCodePoints() {
        valid().title(repeat("会", 4)).build();
        valid().title(repeat("会", 12)).build();
        valid().title(repeat("a", 12)).build();
        valid().title(repeat("😀", 12)).build(); // 24 UTF-16 units, 12 characters
        refused(b -> b.title(repeat("会", 3)), "title", "4 to 12 characters", null);
        refused(b -> b.title(repeat("会", 12) + SECRETISH), "title", "4 to 12 characters", SECRETISH);
        refused(b -> b.title("    "), "title", "blank", null);
        refused(b -> b.title("会议\n提醒"), "title", "control character", null);
    }

    @Test
    void description_fourToTwelveCharacters() {
        valid().description(repeat("述", 4)).build();
        valid().description(repeat("述", 12)).build();
        refused(b -> b.description("abc"), "description", "4 to 12 characters", null);
        refused(b -> b.description(repeat("述", 13)), "description", "4 to 12 characters", null);
    }

    @Test
    void page_atMost1024BytesOfUtf8_notCharacters() {
        valid().page(repeat("p", 1024)).build();
        valid().page(repeat("页", 341)).build(); // 1023 bytes
        refused(b -> b.page(repeat("p", 1025)), "page", "1024 bytes", null);
        refused(b -> b.page(repeat("页", 342)), "page", "1024 bytes", null); // 342 characters, 1026 bytes
    }

    @Test
    void contentItems_atMostTen_keysTenAndValuesThirtyCharacters() {
        MiniProgramNotice.Builder ten = valid();
        for (int i = 0; i < 10; i++) {
            ten.contentItem("键" + i, "值");
        }
        assertEquals(10, ten.build().contentItems().size());
        refused(b -> {
            for (int i = 0; i < 11; i++) {
                b.contentItem("键" + i, "值");
            }
            return b;
        }, "contentItems", "at most 10", null);
        valid().contentItem(repeat("键", 10), repeat("值", 30)).build();
        refused(b -> b.contentItem("ok", "fine").contentItem(repeat("键", 11), "v"), "contentItems[1].key",
                "1 to 10 characters", null);
        refused(b -> b.contentItem("k", repeat("值", 31)), "contentItems[0].value", "1 to 30 characters", null);
        refused(b -> b.contentItem("", "v"), "contentItems[0].key", "blank", null);
    }

    @Test
    void idTranslation_countsEachPlaceholderAsOneCharacter() {
        String title = "$userName=zhangsan$的审批已通过"; // placeholder + 6 characters = 7
        refused(b -> b.title(title + repeat("字", 6)), "title", "4 to 12 characters", null);
        valid().title(title).enableIdTrans(true).build();
        valid().contentItem("审批人", repeat("$departmentName=1$", 30)).enableIdTrans(true).build();
        assertEquals(7, MiniProgramNotice.Builder.characters(title, true));
        assertEquals(title.length(), MiniProgramNotice.Builder.characters(title, false));
    }

    @Test
    void recipients_withinWeComsLimits() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            users.add("user" + i);
        }
        assertEquals(1000, valid().toUsers(users).build().toUsers().size());
        users.add("one-too-many");
        refused(b -> b.toUsers(users), "toUsers", "at most 1000", null);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 101; i++) {
            ids.add(Integer.toString(i));
        }
        valid().toParties(ids.subList(0, 100)).toTags(ids.subList(0, 100)).build();
        refused(b -> b.toParties(ids), "toParties", "at most 100", null);
        refused(b -> b.toTags(ids), "toTags", "at most 100", null);
    }

    @Test
    void recipients_areWellFormedIds() {
        valid().toUsers(repeat("u", 64)).build();
        refused(b -> b.toUsers(repeat("u", 65)), "toUsers[0]", "64 bytes", null);
        refused(b -> b.toUsers("a", "b|" + SECRETISH), "toUsers[1]", "'|'", SECRETISH);
        refused(b -> b.toUsers(" "), "toUsers[0]", "not blank", null);
        refused(b -> b.toParties("1", "sales"), "toParties[1]", "numeric id", "sales");
        refused(b -> b.toTags("12345678901"), "toTags[0]", "numeric id", null);
    }

    @Test
    void atAll_isRefusedForThisMessageType() {
        refused(b -> b.toUsers("@all"), "toUsers[0]", "@all", null);
        refused(b -> b.toUsers("zhangsan", "@ALL"), "toUsers[1]", "@all", null);
        refused(b -> b.toUsers(List.of()).toParties("@all"), "toParties[0]", "@all", null);
    }

    @Test
    void duplicateCheckInterval_wholeSecondsUpToFourHours() {
        valid().enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofHours(4)).build();
        valid().enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofSeconds(1)).build();
        refused(b -> b.enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofHours(4).plusSeconds(1)),
                "duplicateCheckInterval", "4 h", null);
        refused(b -> b.enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofMillis(1500)),
                "duplicateCheckInterval", "whole seconds", null);
        refused(b -> b.enableDuplicateCheck(true).duplicateCheckInterval(Duration.ZERO),
                "duplicateCheckInterval", "1 s", null);
    }

    @Test
    void appIdAndAgentId_areChecked() {
        refused(b -> b.appId(" "), "appId", "not blank", null);
        refused(b -> b.appId(repeat("w", 65)), "appId", "64", null);
        refused(b -> b.agentId(0), "agentId", "positive", null);
    }

    @Test
    void notice_isImmutable_andItsListsUnmodifiable() {
        List<String> users = new ArrayList<>(List.of("zhangsan"));
        MiniProgramNotice.Builder builder = valid().toUsers(users).contentItem("k", "v");
        MiniProgramNotice notice = builder.build();
        users.add("lisi");
        builder.contentItem("k2", "v2");
        assertEquals(List.of("zhangsan"), notice.toUsers());
        assertEquals(1, notice.contentItems().size());
        assertThrows(UnsupportedOperationException.class, () -> notice.toUsers().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> notice.contentItems().clear());
        assertTrue(notice.toString().contains("toUsers=1"), notice.toString());
    }
}
