package io.github.wecomkit.testkit;

import static io.github.wecomkit.testkit.Futures.failure;
import static io.github.wecomkit.testkit.Futures.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.WeComTransportException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code client.async()} against the fake over real HTTP: each call's success, and each typed failure arriving as
 * the exception itself (not a {@link CompletionException} to dig through), with the blocking client's retry and
 * resend rules.
 */
@Timeout(60)
class AsyncWeComClientOnFakeWeComTest {
    private FakeWeCom wecom;
    private FakeCorp corp;
    private WeComClient client;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("zhangsan").name("张三").department(1, 7).build());
        corp.addMember("lisi", "李四");
        client = client("secret-a");
    }

    @AfterEach
    void stop() {
        client.close();
        wecom.close();
    }

    private WeComClient client(String secret) {
        return WeComClient.builder().corpId("wwcorpa").secret(secret).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build())
                .build();
    }

    @Test
    void login_thenGetUser_completeWithTheSessionAndTheMember() throws Exception {
        LoginSession session = value(client.async().login(wecom.issueCode("wwcorpa", "zhangsan")));
        Member member = value(client.async().getUser(session.userId()));

        assertEquals("wwcorpa", session.corpId());
        assertEquals("zhangsan", session.userId());
        assertEquals("张三", member.name());
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void login_composedWithGetUser_runsBothCalls() throws Exception {
        Member member = value(client.async().login(wecom.issueCode("wwcorpa", "lisi"))
                .thenCompose(s -> client.async().getUser(s.userId())));

        assertEquals("李四", member.name());
    }

    @Test
    void login_whenCodeAlreadyUsed_failsWithInvalidCode() throws Exception {
        String code = wecom.issueCode("wwcorpa", "lisi");
        value(client.async().login(code));

        InvalidCodeException e = failure(client.async().login(code), InvalidCodeException.class);

        assertEquals(40029, e.errcode());
        assertFalse(e.getMessage().contains(code));
    }

    @Test
    void login_withACodeOfAnotherCorp_failsWithCorpMismatch() {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");

        CorpMismatchException e = failure(client.async().login(wecom.issueCode("wwcorpb", "wangwu")),
                CorpMismatchException.class);

        assertEquals("wwcorpb", e.corpId());
    }

    @Test
    void login_whenNoAnswerComesWithinTheRequestTimeout_failsWithTransport_andTheCodeIsSentOnce() {
        client.close();
        client = WeComClient.builder().corpId("wwcorpa").secret("secret-a").baseUrl(wecom.baseUrl())
                .clock(wecom.clock()).requestTimeout(Duration.ofMillis(300)).build();
        wecom.delayNext(FakeApi.JSCODE2SESSION, 1, Duration.ofSeconds(3));

        WeComTransportException e = failure(client.async().login(wecom.issueCode("wwcorpa", "lisi")),
                WeComTransportException.class);

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, wecom.calls(FakeApi.JSCODE2SESSION), "a single-use code is not re-sent");
    }

    @Test
    void login_whenWeComIsBusy_isRetried_likeTheBlockingCall() throws Exception {
        wecom.failNext(FakeApi.JSCODE2SESSION, 2, -1);

        assertEquals("lisi", value(client.async().login(wecom.issueCode("wwcorpa", "lisi"))).userId());
        assertEquals(3, wecom.calls(FakeApi.JSCODE2SESSION));
    }

    @Test
    void getUser_outsideTheVisibleRange_failsWithNoPrivilege() {
        corp.app().hideMembers("lisi");

        assertEquals(60011, failure(client.async().getUser("lisi"), NoPrivilegeException.class).errcode());
    }

    @Test
    void getUser_ofAnUnknownMember_failsWithUserNotFound() {
        assertEquals(60111, failure(client.async().getUser("ghost"), UserNotFoundException.class).errcode());
    }

    @Test
    void getUser_whenRateLimited_failsWithRateLimited_withoutRetry() {
        wecom.failNext(FakeApi.USER_GET, 1, 45009);

        failure(client.async().getUser("lisi"), RateLimitedException.class);
        assertEquals(1, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void wrongSecret_failsWithInvalidCredential_fromOneGettoken() {
        client.close();
        client = client("not-the-secret");

        InvalidCredentialException e = failure(client.async().getUser("lisi"), InvalidCredentialException.class);

        assertEquals(40001, e.errcode());
        assertFalse(e.getMessage().contains("not-the-secret"));
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void revokedToken_isReplacedOnce_andTheAsyncCallSucceeds() throws Exception {
        value(client.async().getUser("lisi"));
        wecom.revokeTokens("wwcorpa");

        assertEquals("lisi", value(client.async().getUser("lisi")).userId());
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(3, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void badArguments_andAClosedClient_throwAtOnce_beforeAnyCall() {
        assertThrows(NullPointerException.class, () -> client.async().login(null));
        assertThrows(IllegalArgumentException.class, () -> client.async().getUser(" "));
        client.close();
        assertThrows(IllegalStateException.class, () -> client.async().getUser("lisi"));
        assertEquals(0, wecom.calls(FakeApi.GET_TOKEN));
    }
}
