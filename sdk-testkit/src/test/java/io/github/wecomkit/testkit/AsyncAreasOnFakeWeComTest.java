package io.github.wecomkit.testkit;

import static io.github.wecomkit.testkit.Futures.failure;
import static io.github.wecomkit.testkit.Futures.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.ApiForbiddenException;
import io.github.wecomkit.error.NoValidRecipientException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.message.SendResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The async twins of the other areas against the fake over real HTTP: {@code client.messages().sendAsync} and
 * {@code client.api().getAsync/postAsync}, with the blocking calls' typed failures (seen by a handler as the
 * exception itself), their at-most-once rule for a notice, one token replacement after a rejection, and a cancel
 * that keeps a notice from ever going out.
 */
@Timeout(60)
class AsyncAreasOnFakeWeComTest {
    private static final String APP_ID = "wx0123456789abcdef";

    private FakeWeCom wecom;
    private FakeCorp corp;
    private WeComClient client;

    /** A record the raw answer of user/get maps onto; unknown fields are ignored. */
    record Named(String userid, String name) {
    }

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("zhangsan").name("张三").department(1, 7).build());
        corp.addMember("lisi", "李四");
        client = builder().build();
    }

    @AfterEach
    void stop() {
        client.close();
        wecom.close();
    }

    private WeComClient.Builder builder() {
        return WeComClient.builder().corpId("wwcorpa").secret("secret-a").baseUrl(wecom.baseUrl())
                .clock(wecom.clock()).retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build());
    }

    private static MiniProgramNotice.Builder notice() {
        return MiniProgramNotice.builder().appId(APP_ID).title("会议室预订成功").toUsers("zhangsan");
    }

    @Test
    void sendAsync_deliversTheNotice_andTheResultNamesItsMessage() throws Exception {
        SendResult result = value(client.messages().sendAsync(notice().contentItem("会议室", "301").build()));

        List<SentNotice> sent = wecom.sentNotices();
        assertEquals(1, sent.size());
        assertEquals(List.of("zhangsan"), sent.get(0).toUsers());
        assertEquals(sent.get(0).msgId(), result.msgId().orElseThrow());
    }

    @Test
    void sendAsync_toNoValidRecipient_failsWithNoValidRecipient_andDeliversNothing() {
        NoValidRecipientException e = failure(client.messages().sendAsync(notice().toUsers("ghost").build()),
                NoValidRecipientException.class);

        assertEquals(81013, e.errcode());
        assertEquals(List.of(), wecom.sentNotices());
    }

    @Test
    void sendAsync_fromAnAppNotBoundToAMiniProgram_failsWithApiForbidden() {
        corp.app().miniProgram(false);

        assertEquals(48002, failure(client.messages().sendAsync(notice().build()), ApiForbiddenException.class)
                .errcode());
    }

    @Test
    void sendAsync_whoseAnswerIsLostAfterWeComProcessedIt_isSentOnce_andReportedAsPossiblyDelivered()
            throws Exception {
        value(client.async().getUser("lisi")); // the token, and a pooled connection the notice goes out on
        wecom.dropAfterProcessingNext(FakeApi.MESSAGE_SEND, 1);

        WeComTransportException e = failure(client.messages().sendAsync(notice().build()),
                WeComTransportException.class);

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, wecom.calls(FakeApi.MESSAGE_SEND), "the notice went out once");
        assertEquals(1, wecom.sentNotices().size());
    }

    @Test
    void sendAsync_withTheDuplicateCheck_isResentAfterALostAnswer_andDeliveredOnce() throws Exception {
        value(client.async().getUser("lisi"));
        wecom.dropAfterProcessingNext(FakeApi.MESSAGE_SEND, 1);

        SendResult result = value(client.messages().sendAsync(notice().enableDuplicateCheck(true).build()));

        assertEquals(2, wecom.calls(FakeApi.MESSAGE_SEND));
        assertEquals(1, wecom.sentNotices().size(), "WeCom dropped the copy");
        assertEquals(wecom.sentNotices().get(0).msgId(), result.msgId().orElseThrow());
    }

    @Test
    void sendAsync_afterTheTokenWasRevoked_replacesItOnce_andDeliversOnce() throws Exception {
        value(client.messages().sendAsync(notice().build()));
        wecom.revokeTokens("wwcorpa");

        value(client.messages().sendAsync(notice().build()));

        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(3, wecom.calls(FakeApi.MESSAGE_SEND), "the rejected send, then the one with the new token");
        assertEquals(2, wecom.sentNotices().size());
    }

    @Test
    void sendAsync_cancelledWhileWaitingForTheToken_isNeverSent() {
        Queue<Runnable> refreshes = new ArrayDeque<>();
        Executor manual = refreshes::add;
        client.close();
        client = builder().refreshExecutor(manual).build();

        CompletableFuture<SendResult> send = client.messages().sendAsync(notice().build());
        assertTrue(send.cancel(false));
        while (!refreshes.isEmpty()) {
            refreshes.poll().run();
        }

        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(0, wecom.calls(FakeApi.MESSAGE_SEND));
        assertEquals(List.of(), wecom.sentNotices());
    }

    @Test
    void rawGetAsync_andPostAsync_useTheManagedToken_andMapTheirAnswers() throws Exception {
        JsonNode member = value(client.api().getAsync("user/get", Map.of("userid", "zhangsan")));
        Named named = value(client.api().getAsync("user/get", Map.of("userid", "lisi"), Named.class));
        JsonNode sent = value(client.api().postAsync("message/send", Map.of("touser", "lisi", "msgtype", "text",
                "agentid", corp.app().agentId(), "text", Map.of("content", "hi"))));

        assertEquals("张三", member.get("name").asText());
        assertEquals(new Named("lisi", "李四"), named);
        assertTrue(sent.get("msgid").asText().startsWith("fake-msg-"), sent.toString());
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(1, wecom.sentMessages().size());
    }

    @Test
    void theAsyncFacesShortcuts_reachTheSameCalls() throws Exception {
        SendResult notice = value(client.async().sendNotice(notice().build()));
        JsonNode member = value(client.async().get("user/get", Map.of("userid", "lisi")));
        JsonNode text = value(client.async().post("message/send", Map.of("touser", "lisi", "msgtype", "text",
                "agentid", corp.app().agentId(), "text", Map.of("content", "hi"))));

        assertEquals(wecom.sentNotices().get(0).msgId(), notice.msgId().orElseThrow());
        assertEquals("李四", member.get("name").asText());
        assertTrue(text.get("msgid").asText().startsWith("fake-msg-"), text.toString());
        assertTrue(wecom.sentMessages().get(1).contains("\"msgtype\":\"text\""), wecom.sentMessages().get(1));
        assertEquals(2, wecom.calls(FakeApi.MESSAGE_SEND));
    }

    @Test
    void rawAsyncCalls_failWithTheTypedExceptions() {
        assertEquals(81013, failure(client.api().postAsync("message/send", Map.of("touser", "ghost", "msgtype",
                "text", "agentid", corp.app().agentId(), "text", Map.of("content", "hi"))),
                NoValidRecipientException.class).errcode());
        failure(client.api().getAsync("user/get", Map.of("userid", "lisi"), Integer.class),
                WeComDecodeException.class);
    }

    @Test
    void badArguments_andAClosedClient_throwAtOnce_beforeAnyCall() {
        assertThrows(NullPointerException.class, () -> client.messages().sendAsync(null));
        assertThrows(IllegalArgumentException.class, () -> client.api().getAsync("/user/get", Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> client.api().getAsync("user/get", Map.of("access_token", "x")));
        assertThrows(IllegalArgumentException.class, () -> client.api().postAsync("tag/create", "[1, 2]"));
        assertThrows(NullPointerException.class, () -> client.api().postAsync("tag/create", Map.of(), null));
        client.close();
        assertThrows(IllegalStateException.class, () -> client.messages().sendAsync(notice().build()));
        assertThrows(IllegalStateException.class, () -> client.api().getAsync("user/get", Map.of()));
        assertEquals(0, wecom.calls(FakeApi.GET_TOKEN));
    }
}
