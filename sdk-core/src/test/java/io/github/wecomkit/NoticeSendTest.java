package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.TOKEN_2;
import static io.github.wecomkit.testing.Payloads.USER;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.error.ApiForbiddenException;
import io.github.wecomkit.error.NoValidRecipientException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.message.SendResult;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mini-program notices over HTTP against a scripted WeCom: the body sent, the result read, the typed failures, and
 * the rule that a notice is sent at most once unless WeCom's duplicate check makes a second copy harmless.
 */
@Timeout(60)
class NoticeSendTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String SEND = "/cgi-bin/message/send";
    private static final RetryPolicy POLICY = RetryPolicy.builder().maxRetries(2)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(80)).maxElapsed(Duration.ofSeconds(20))
            .build();
    private static final String OK = "{\"errcode\":0,\"errmsg\":\"ok\",\"invaliduser\":\"\",\"invalidparty\":\"\","
            + "\"invalidtag\":\"\",\"unlicenseduser\":\"\",\"msgid\":\"msg-1\"}";

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();

    /** A client whose token is in its store already, so every request is the notice (or a warm-up). */
    private WeComClient client(TransportFaultTest.Transport transport, String baseUrl) {
        return client(transport, baseUrl, Duration.ofSeconds(5));
    }

    private WeComClient client(TransportFaultTest.Transport transport, String baseUrl, Duration requestTimeout) {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        store.put("access_token:" + CORP_ID + ":" + Inputs.shortHash(SECRET),
                AccessToken.of(TOKEN_1, clock.instant(), clock.instant().plus(Duration.ofHours(2))));
        return transport.apply(WeComClient.builder()).corpId(CORP_ID).secret(SECRET).baseUrl(baseUrl).clock(clock)
                .tokenStore(store).requestTimeout(requestTimeout).retryPolicy(POLICY).sleeper(sleeper)
                .refreshExecutor(new ManualExecutor()).build();
    }

    private WeComClient client() {
        return client(TransportFaultTest.Transport.DEFAULT, wm.baseUrl());
    }

    private static MiniProgramNotice.Builder notice() {
        return MiniProgramNotice.builder().appId("wx0123456789abcdef").title("会议室预订成功").toUsers("ZhangSan");
    }

    private static void stubSend(ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlPathEqualTo(SEND)).willReturn(response));
    }

    /** The first send gets {@code first}, every later one {@code then}. */
    private static void stubSendThen(ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        wm.stubFor(post(urlPathEqualTo(SEND)).inScenario("send").whenScenarioStateIs(STARTED)
                .willReturn(first).willSetStateTo("then"));
        wm.stubFor(post(urlPathEqualTo(SEND)).inScenario("send").whenScenarioStateIs("then").willReturn(then));
    }

    private static int sends() {
        return wm.findAll(postRequestedFor(urlPathEqualTo(SEND))).size();
    }

    /** Puts a connection in the client's pool, so the notice goes out on a reused one. */
    private static void warmUp(WeComClient client) {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/user/get")).willReturn(okJson(USER)));
        assertEquals(USER_ID, client.getUser(USER_ID).userId());
    }

    @Test
    void send_postsWeComsBodyWithTheToken_andReadsTheResult() {
        stubSend(okJson("{\"errcode\":0,\"errmsg\":\"ok\",\"invaliduser\":\"ghost|lisi\",\"invalidparty\":\"3\","
                + "\"invalidtag\":\"\",\"unlicenseduser\":\"wangwu\",\"msgid\":\"msg-42\",\"response_code\":\"x\"}"));

        SendResult result = client().messages().send(notice().page("pages/a?id=1").contentItem("时间", "10:00")
                .toUsers("ZhangSan", "Ghost", "LiSi").toParties("3").build());

        wm.verify(postRequestedFor(urlPathEqualTo(SEND)).withQueryParam("access_token", equalTo(TOKEN_1))
                .withHeader("Content-Type", equalToIgnoreCase("application/json; charset=utf-8"))
                .withRequestBody(equalToJson("{\"touser\":\"ZhangSan|Ghost|LiSi\",\"toparty\":\"3\","
                        + "\"msgtype\":\"miniprogram_notice\",\"miniprogram_notice\":{\"appid\":\"wx0123456789abcdef\","
                        + "\"page\":\"pages/a?id=1\",\"title\":\"会议室预订成功\",\"emphasis_first_item\":false,"
                        + "\"content_item\":[{\"key\":\"时间\",\"value\":\"10:00\"}]},\"enable_id_trans\":0,"
                        + "\"enable_duplicate_check\":0}")));
        assertEquals(Optional.of("msg-42"), result.msgId());
        assertEquals(List.of("ghost", "lisi"), result.invalidUsers());
        assertEquals(List.of("3"), result.invalidParties());
        assertEquals(List.of(), result.invalidTags());
        assertEquals(List.of("wangwu"), result.unlicensedUsers());
        assertTrue(result.hasInvalidRecipients());
        assertThrows(UnsupportedOperationException.class, () -> result.invalidUsers().add("x"));
    }

    @Test
    void send_withAnAgentId_sendsIt_andWithoutOne_leavesItOut() {
        stubSend(okJson(OK));
        WeComClient client = client();

        client.messages().send(notice().agentId(1000002).build());
        client.messages().send(notice().build());

        List<String> bodies = wm.findAll(postRequestedFor(urlPathEqualTo(SEND))).stream()
                .map(r -> r.getBodyAsString()).toList();
        assertTrue(bodies.get(0).contains("\"agentid\":1000002"), bodies.get(0));
        assertFalse(bodies.get(1).contains("agentid"), bodies.get(1));
    }

    @Test
    void send_allValid_hasNoInvalidRecipients() {
        stubSend(okJson(OK));
        SendResult result = client().messages().send(notice().build());
        assertFalse(result.hasInvalidRecipients());
        assertEquals(List.of(), result.unlicensedUsers());
    }

    @Test
    void send_byAnAppNotBoundToAMiniProgram_throwsApiForbidden_once() {
        stubSend(okJson(Payloads.error(48002, "api forbidden")));

        ApiForbiddenException e = assertThrows(ApiForbiddenException.class,
                () -> client().messages().send(notice().build()));

        assertEquals(48002, e.errcode());
        assertEquals("message/send", e.api());
        assertFalse(e.retryable());
        assertEquals(1, sends());
    }

    @Test
    void send_toNoValidRecipient_throwsNoValidRecipient_once() {
        stubSend(okJson(Payloads.error(81013, "user & party & tag all invalid")));

        NoValidRecipientException e = assertThrows(NoValidRecipientException.class,
                () -> client().messages().send(notice().build()));

        assertEquals(81013, e.errcode());
        assertEquals(1, sends());
    }

    @Test
    void send_whenRateLimited_isNotRetried() {
        stubSend(okJson(Payloads.error(45009, "api freq out of limit")));
        assertThrows(RateLimitedException.class, () -> client().messages().send(notice().build()));
        assertEquals(1, sends());
    }

    @Test
    void send_whenWeComIsBusy_isRetried_forNothingWasSent() {
        stubSendThen(okJson(Payloads.error(-1, "system busy")), okJson(OK));

        assertEquals(Optional.of("msg-1"), client().messages().send(notice().build()).msgId());

        assertEquals(2, sends());
        assertEquals(1, sleeper.count());
    }

    @Test
    void send_whenTheTokenIsRejected_replacesItAndSendsOnce_more() {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(Payloads.token(TOKEN_2, 7200))));
        wm.stubFor(post(urlPathEqualTo(SEND)).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(40014, "invalid access_token"))));
        wm.stubFor(post(urlPathEqualTo(SEND)).withQueryParam("access_token", equalTo(TOKEN_2))
                .willReturn(okJson(OK)));

        assertEquals(Optional.of("msg-1"), client().messages().send(notice().build()).msgId());

        assertEquals(2, sends(), "a rejected call was not processed: sending it with the new token is safe");
    }

    @ParameterizedTest
    @EnumSource(TransportFaultTest.Transport.class)
    void send_whenTheConnectionDropsAfterTheRequest_isNotResent_andMayHaveBeenDelivered(
            TransportFaultTest.Transport transport) {
        stubSend(aResponse().withFault(Fault.EMPTY_RESPONSE));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client(transport, wm.baseUrl()).messages().send(notice().build()));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals("message/send", e.api());
        assertEquals(1, sends(), "copies of the notice");
        assertEquals(0, sleeper.count());
    }

    @ParameterizedTest
    @EnumSource(TransportFaultTest.Transport.class)
    void send_onAReusedConnectionThatDropsAfterTheRequest_isNotResentByAnyLayer(
            TransportFaultTest.Transport transport) {
        WeComClient client = client(transport, wm.baseUrl());
        warmUp(client);
        stubSend(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client.messages().send(notice().build()));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, sends(), "copies of the notice: neither the transport nor wecomkit re-sent it");
    }

    @Test
    void send_whenTheAnswerIsA502_isNotResent() {
        stubSend(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>"));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client().messages().send(notice().build()));

        assertEquals(502, e.httpStatus());
        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, sends());
    }

    @Test
    void send_whenTheAnswerIsLate_timesOutWithoutResending() {
        stubSend(okJson(OK).withFixedDelay(3000));
        WeComClient client = client(TransportFaultTest.Transport.DEFAULT, wm.baseUrl(), Duration.ofMillis(500));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client.messages().send(notice().build()));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, sends());
    }

    @Test
    void send_whenWeComCannotBeReached_retriesWithinThePolicy_forNothingWasSent() {
        WeComClient client = client(TransportFaultTest.Transport.DEFAULT, "http://127.0.0.1:1");

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client.messages().send(notice().build()));

        assertFalse(e.mayHaveReachedWeCom());
        assertEquals(POLICY.maxRetries(), sleeper.count(), "a refused connection cannot have delivered anything");
    }

    @ParameterizedTest
    @EnumSource(TransportFaultTest.Transport.class)
    void send_withWeComsDuplicateCheck_isResentAfterADrop_forWeComDropsTheCopy(
            TransportFaultTest.Transport transport) {
        stubSendThen(aResponse().withFault(Fault.EMPTY_RESPONSE), okJson(OK));

        SendResult result = client(transport, wm.baseUrl()).messages()
                .send(notice().enableDuplicateCheck(true).build());

        assertEquals(Optional.of("msg-1"), result.msgId());
        assertEquals(2, sends(), "re-sent once");
        assertTrue(wm.findAll(postRequestedFor(urlPathEqualTo(SEND))).stream()
                .allMatch(r -> r.getBodyAsString().contains("\"enable_duplicate_check\":1")));
    }

    @Test
    void send_withWeComsDuplicateCheck_isResentAfterA502() {
        stubSendThen(aResponse().withStatus(502), okJson(OK));
        client().messages().send(notice().enableDuplicateCheck(true).duplicateCheckInterval(Duration.ofMinutes(5))
                .build());
        assertEquals(2, sends());
    }

    @Test
    void send_withADuplicateCheckShorterThanTheRetries_isNotResent() {
        stubSend(aResponse().withFault(Fault.EMPTY_RESPONSE));

        // A retry could come after WeCom's window closed, and then deliver a second copy.
        assertThrows(WeComTransportException.class, () -> client().messages().send(notice()
                .enableDuplicateCheck(true).duplicateCheckInterval(POLICY.maxElapsed()).build()));

        assertEquals(1, sends());
    }

    @Test
    void send_afterClose_throwsIllegalState_withoutACall() {
        WeComClient client = client();
        client.close();
        assertThrows(IllegalStateException.class, () -> client.messages().send(notice().build()));
        assertEquals(0, sends());
        assertThrows(NullPointerException.class, () -> client().messages().send(null));
    }
}
