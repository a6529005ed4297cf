package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.Member;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.ApiForbiddenException;
import io.github.wecomkit.error.NoValidRecipientException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.message.SendResult;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real {@code client.messages()} against the fake: notices delivered and recorded, partly and wholly invalid
 * recipients, an app without a mini-program, and a notice that WeCom processed but whose answer was lost: it is
 * delivered once and reported as possibly delivered, unless the duplicate check makes a resend harmless. The
 * members' shape after the 2022 privacy change, and raw API calls, run here too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoticesOnFakeWeComTest {
    private static final String APP_ID = "wx0123456789abcdef";

    /** The default transport, and the caller's own JDK client. */
    enum Transport {
        DEFAULT, JDK_HTTP_CLIENT;

        WeComClient.Builder apply(WeComClient.Builder b) {
            return this == DEFAULT ? b : b.httpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .build());
        }
    }

    private FakeWeCom wecom;
    private FakeCorp corp;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("ZhangSan").name("张三").department(1, 7).mobile("13800000000")
                .email("zs@example.com").avatar("https://example.com/a.png").gender("1").build());
        corp.addMember("lisi", "李四");
        corp.addTag(5);
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    private WeComClient client(Transport transport) {
        return transport.apply(WeComClient.builder()).corpId("wwcorpa").secret("secret-a").baseUrl(wecom.baseUrl())
                .clock(wecom.clock()).retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build()).build();
    }

    private WeComClient client() {
        return client(Transport.DEFAULT);
    }

    private static MiniProgramNotice.Builder notice() {
        return MiniProgramNotice.builder().appId(APP_ID).title("会议室预订成功").toUsers("ZhangSan");
    }

    @Test
    void send_deliversTheNotice_andTheFakeRecordsItTyped() {
        SendResult result = client().messages().send(notice().page("pages/room?id=301").description("明天上午十点")
                .emphasisFirstItem(true).contentItem("会议室", "301").contentItem("时间", "10:00").toTags("5")
                .toParties("7").build());

        List<SentNotice> sent = wecom.sentNotices();
        assertEquals(1, sent.size());
        SentNotice notice = sent.get(0);
        assertEquals("wwcorpa", notice.corpId());
        assertEquals(corp.app().agentId(), notice.agentId());
        assertEquals(APP_ID, notice.appId());
        assertEquals(Optional.of("pages/room?id=301"), notice.page());
        assertEquals("会议室预订成功", notice.title());
        assertEquals(Optional.of("明天上午十点"), notice.description());
        assertTrue(notice.emphasisFirstItem());
        assertEquals(List.of(new SentNotice.Item("会议室", "301"), new SentNotice.Item("时间", "10:00")),
                notice.contentItems());
        assertEquals(List.of("ZhangSan"), notice.toUsers());
        assertEquals(List.of("7"), notice.toParties());
        assertEquals(List.of("5"), notice.toTags());
        assertFalse(notice.enableDuplicateCheck());
        assertEquals(result.msgId().orElseThrow(), notice.msgId());
        assertFalse(result.hasInvalidRecipients());
        assertEquals(1, wecom.sentMessages().size());
    }

    @Test
    void send_toPartlyInvalidRecipients_deliversToTheRest_andListsTheInvalidOnesLowercased() {
        SendResult result = client().messages().send(notice().toUsers("ZhangSan", "Ghost", "NoBody")
                .toParties("1", "99").toTags("5", "6").build());

        assertEquals(List.of("ghost", "nobody"), result.invalidUsers());
        assertEquals(List.of("99"), result.invalidParties());
        assertEquals(List.of("6"), result.invalidTags());
        assertEquals(List.of("ghost", "nobody"), wecom.sentNotices().get(0).invalidUsers());
    }

    @Test
    void send_toMembersOutsideTheVisibleRange_listsThemInvalid() {
        corp.app().hideMembers("lisi");
        SendResult result = client().messages().send(notice().toUsers("ZhangSan", "LiSi").build());
        assertEquals(List.of("lisi"), result.invalidUsers());
    }

    @Test
    void send_toNoValidRecipient_throwsNoValidRecipient_andDeliversNothing() {
        assertThrows(NoValidRecipientException.class,
                () -> client().messages().send(notice().toUsers("ghost").toParties("99").build()));
        assertEquals(List.of(), wecom.sentNotices());
    }

    @Test
    void send_fromAnAppNotBoundToAMiniProgram_throwsApiForbidden() {
        corp.app().miniProgram(false);
        ApiForbiddenException e = assertThrows(ApiForbiddenException.class,
                () -> client().messages().send(notice().build()));
        assertEquals(48002, e.errcode());
        assertEquals(List.of(), wecom.sentNotices());
    }

    @Test
    void send_withTheAppsAgentId_isAccepted_andAnotherAppsIsRefused() {
        WeComClient client = client();
        client.messages().send(notice().agentId(corp.app().agentId()).build());
        assertEquals(1, wecom.sentNotices().size());
        assertEquals(301002, assertThrows(io.github.wecomkit.error.WeComApiException.class,
                () -> client.messages().send(notice().agentId(corp.app().agentId() + 1).build())).errcode());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void send_whoseAnswerIsLostAfterWeComProcessedIt_isDeliveredOnce_andReportedAsPossiblyDelivered(
            Transport transport) {
        WeComClient client = client(transport);
        client.getUser("lisi"); // the token, and a pooled connection the notice goes out on
        wecom.dropAfterProcessingNext(FakeApi.MESSAGE_SEND, 1);

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client.messages().send(notice().build()));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, wecom.calls(FakeApi.MESSAGE_SEND), "the notice went out once");
        assertEquals(1, wecom.sentNotices().size(), "and it was delivered: the caller must not blindly resend");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void send_withTheDuplicateCheck_isResentAfterALostAnswer_andDeliveredOnce(Transport transport) {
        WeComClient client = client(transport);
        client.getUser("lisi");
        wecom.dropAfterProcessingNext(FakeApi.MESSAGE_SEND, 1);

        SendResult result = client.messages().send(notice().enableDuplicateCheck(true).build());

        assertEquals(2, wecom.calls(FakeApi.MESSAGE_SEND), "sent again");
        assertEquals(1, wecom.sentNotices().size(), "WeCom dropped the copy");
        assertEquals(wecom.sentNotices().get(0).msgId(), result.msgId().orElseThrow());
    }

    @Test
    void send_droppedBeforeWeComProcessedIt_isNotDelivered_andStillNotResent() {
        WeComClient client = client();
        client.getUser("lisi");
        wecom.dropNext(FakeApi.MESSAGE_SEND, 1);

        assertThrows(WeComTransportException.class, () -> client.messages().send(notice().build()));

        assertEquals(1, wecom.calls(FakeApi.MESSAGE_SEND));
        assertEquals(List.of(), wecom.sentNotices(), "nothing was delivered, but the client cannot know that");
    }

    @Test
    void send_whenWeComIsBusy_isRetried_andDeliveredOnce() {
        wecom.failNext(FakeApi.MESSAGE_SEND, 1, -1);
        client().messages().send(notice().build());
        assertEquals(2, wecom.calls(FakeApi.MESSAGE_SEND));
        assertEquals(1, wecom.sentNotices().size());
    }

    @Test
    void duplicateCheck_dropsARepeatWithinTheInterval_andDeliversOneAfterIt() {
        WeComClient client = client();
        MiniProgramNotice checked = notice().enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofMinutes(10))
                .build();

        SendResult first = client.messages().send(checked);
        SendResult repeat = client.messages().send(checked);
        assertEquals(1, wecom.sentNotices().size());
        assertEquals(first.msgId(), repeat.msgId());

        wecom.advance(Duration.ofMinutes(10));
        client.messages().send(checked);
        assertEquals(2, wecom.sentNotices().size(), "the window has passed");

        client.messages().send(notice().build());
        client.messages().send(notice().build());
        assertEquals(4, wecom.sentNotices().size(), "without the check every copy is delivered");
    }

    @Test
    void getUser_forAnAppCreatedSinceThePrivacyChange_hasNoRestrictedFields_andAnOlderAppHasThem() {
        WeComClient client = client();
        Member restricted = client.getUser("ZhangSan");
        assertEquals("张三", restricted.name());
        assertEquals(List.of(1L, 7L), restricted.department());
        assertEquals(Optional.empty(), restricted.mobile());
        assertEquals(Optional.empty(), restricted.email());
        assertEquals(Optional.empty(), restricted.avatar());
        assertEquals(Optional.empty(), restricted.gender());

        corp.app().createdBeforePrivacyChange(true);
        Member full = client.getUser("ZhangSan");
        assertEquals(Optional.of("13800000000"), full.mobile());
        assertEquals(Optional.of("zs@example.com"), full.email());
        assertEquals(Optional.of("https://example.com/a.png"), full.avatar());
        assertEquals(Optional.of(Member.Gender.MALE), full.gender());
    }

    @Test
    void rawCalls_useTheManagedToken_onTheFake() {
        WeComClient client = client();
        assertEquals("张三", client.get("user/get", Map.of("userid", "zhangsan")).get("name").asText());
        assertEquals(81013, assertThrows(NoValidRecipientException.class, () -> client.post("message/send",
                Map.of("touser", "ghost", "msgtype", "text", "agentid", corp.app().agentId(),
                        "text", Map.of("content", "hi")))).errcode());
        String msgid = client.post("message/send", Map.of("touser", "lisi", "msgtype", "text", "agentid",
                corp.app().agentId(), "text", Map.of("content", "hi"))).get("msgid").asText();
        assertTrue(msgid.startsWith("fake-msg-"), msgid);
        assertEquals(wecom.liveTokens("wwcorpa").get(0), client.accessToken());
    }
}
