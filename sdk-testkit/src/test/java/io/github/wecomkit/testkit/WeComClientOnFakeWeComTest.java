package io.github.wecomkit.testkit;

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
import io.github.wecomkit.error.IpNotAllowedException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.RateLimitedException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComTransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real {@link WeComClient} against the fake: the fake speaks the protocol the client expects. */
class WeComClientOnFakeWeComTest {
    private FakeWeCom wecom;
    private FakeCorp corp;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        corp = wecom.addCorp("wwcorpa", "secret-a");
        corp.addMember(FakeMember.builder("zhangsan").name("张三").department(1, 7).position("engineer").build());
        corp.addMember("lisi", "李四");
    }

    @AfterEach
    void stop() {
        wecom.close();
    }

    private WeComClient.Builder client(String corpId, String secret) {
        return WeComClient.builder().corpId(corpId).secret(secret).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(2)).build());
    }

    @Test
    void login_thenGetUser_returnsTheMember() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        LoginSession session = client.login(wecom.issueCode("wwcorpa", "zhangsan"));
        assertEquals("wwcorpa", session.corpId());
        assertEquals("zhangsan", session.userId());
        assertFalse(session.toString().contains(session.sessionKey()));
        Member member = client.getUser(session.userId());
        assertEquals("张三", member.name());
        assertEquals(List.of(1L, 7L), member.department());
        assertEquals("engineer", member.position().orElseThrow());
        assertEquals(Member.Status.ACTIVE, member.status());
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void login_whenCodeAlreadyUsed_throwsInvalidCode() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        String code = wecom.issueCode("wwcorpa", "lisi");
        client.login(code);
        InvalidCodeException e = assertThrows(InvalidCodeException.class, () -> client.login(code));
        assertEquals(40029, e.errcode());
        assertFalse(e.getMessage().contains(code), "the message never shows the code");
    }

    @Test
    void login_whenCodeOlderThanFiveMinutes_throwsInvalidCode() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        String code = wecom.issueCode("wwcorpa", "lisi");
        wecom.advance(FakeWeCom.CODE_LIFETIME);
        assertThrows(InvalidCodeException.class, () -> client.login(code));
    }

    @Test
    void login_withACodeOfAnotherCorp_throwsCorpMismatchNamingThatCorp() {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        WeComClient client = client("wwcorpa", "secret-a").build();
        CorpMismatchException e = assertThrows(CorpMismatchException.class,
                () -> client.login(wecom.issueCode("wwcorpb", "wangwu")));
        assertEquals("wwcorpb", e.corpId());
    }

    @Test
    void login_withACodeOfAnAcceptedCorp_returnsThatCorp() {
        wecom.addCorp("wwcorpb", "secret-b").addMember("wangwu", "王五");
        WeComClient client = client("wwcorpa", "secret-a").acceptedCorpIds("wwcorpb").build();
        assertEquals("wwcorpb", client.login(wecom.issueCode("wwcorpb", "wangwu")).corpId());
    }

    @Test
    void getUser_outsideTheVisibleRange_throwsNoPrivilege() {
        corp.app().hideMembers("lisi");
        WeComClient client = client("wwcorpa", "secret-a").build();
        assertEquals(60011, assertThrows(NoPrivilegeException.class, () -> client.getUser("lisi")).errcode());
    }

    @Test
    void getUser_ofAnUnknownMember_throwsUserNotFound() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        assertEquals(60111, assertThrows(UserNotFoundException.class, () -> client.getUser("ghost")).errcode());
    }

    @Test
    void wrongSecret_throwsInvalidCredential_withoutRetrying() {
        WeComClient client = client("wwcorpa", "not-the-secret").build();
        InvalidCredentialException e = assertThrows(InvalidCredentialException.class, () -> client.getUser("lisi"));
        assertEquals(40001, e.errcode());
        assertFalse(e.getMessage().contains("not-the-secret"));
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
    }

    // ---- first contact: every failure a newcomer meets first names the likely fix, and no secret --------------

    @Test
    void gettoken_withTheMiniProgramsAppIdAsCorpId_saysWhereTheCorpIdIs() {
        WeComClient client = client("wx0123456789abcdef", "secret-a").build();
        InvalidCredentialException e = assertThrows(InvalidCredentialException.class,
                () -> client.login(wecom.issueCode("wwcorpa", "lisi")));
        assertEquals(40013, e.errcode());
        assertFirstContactMessage(e, "use the ww... corp id from the admin console's My Company page");
    }

    @Test
    void gettoken_withAWrongSecret_saysWhichSecret() {
        WeComClient client = client("wwcorpa", "secret-of-the-contacts-app").build();
        InvalidCredentialException e = assertThrows(InvalidCredentialException.class, () -> client.getUser("lisi"));
        assertEquals(40001, e.errcode());
        assertFirstContactMessage(e, "use the secret of the mini-program's app in this corp (admin console: App"
                + " Management, the app, Secret)");
        assertFalse(e.getMessage().contains("secret-of-the-contacts-app"));
    }

    @Test
    void gettoken_withTheSecretOfAnotherCorp_saysToTakeBothFromOneCorp() {
        wecom.addCorp("wwcorpb", "secret-b");
        WeComClient client = client("wwcorpa", "secret-b").build();
        InvalidCredentialException e = assertThrows(InvalidCredentialException.class, () -> client.getUser("lisi"));
        assertEquals(40091, e.errcode());
        assertFirstContactMessage(e, "take the corp id and the secret from the same corp");
        assertFalse(e.getMessage().contains("secret-b"));
    }

    @Test
    void aCallFromAnUntrustedIp_saysWhichIpToAddWhere() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.failNext(FakeApi.JSCODE2SESSION, 1, 60020);
        String code = wecom.issueCode("wwcorpa", "lisi");
        IpNotAllowedException e = assertThrows(IpNotAllowedException.class, () -> client.login(code));
        assertFirstContactMessage(e, "add the IP after \"from ip\" in errmsg to them (admin console: App"
                + " Management, the app)");
        assertTrue(e.getMessage().contains("from ip: 127.0.0.1"), e.getMessage());
        assertFalse(e.getMessage().contains(code));
    }

    @Test
    void anApiForbiddenForTheApp_saysWhichSecret() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.failNext(FakeApi.USER_GET, 1, 48002);
        WeComApiException e = assertThrows(WeComApiException.class, () -> client.getUser("lisi"));
        assertEquals(48002, e.errcode());
        assertFirstContactMessage(e, "use the mini-program app's secret");
    }

    @Test
    void aReusedCode_saysToLogInAgainAndExchangeEachCodeOnce() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        String code = wecom.issueCode("wwcorpa", "lisi");
        client.login(code);
        InvalidCodeException e = assertThrows(InvalidCodeException.class, () -> client.login(code));
        assertFirstContactMessage(e, "call wx.qy.login again, and exchange each code once");
        assertFalse(e.getMessage().contains(code));
    }

    private static void assertFirstContactMessage(WeComApiException e, String fix) {
        assertTrue(e.getMessage().contains(fix), e.getMessage());
        assertTrue(e.getMessage().endsWith("api=" + e.api()), e.getMessage());
        assertFalse(e.getMessage().contains("secret-a"), e.getMessage());
        assertEquals(null, e.getCause(), "nothing printed twice");
    }

    @Test
    void revokedToken_isReplacedOnce_andTheCallSucceeds() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        client.getUser("lisi");
        wecom.revokeTokens("wwcorpa");
        assertEquals("lisi", client.getUser("lisi").userId());
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(3, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void expiredToken_onTheSharedClock_isReplacedBeforeUse() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        client.getUser("lisi");
        wecom.advance(FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        assertEquals("lisi", client.getUser("lisi").userId());
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(2, wecom.calls(FakeApi.USER_GET), "the client never sent the expired token");
    }

    @Test
    void systemBusy_isRetried_andTheCodeStillWorks() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        String code = wecom.issueCode("wwcorpa", "lisi");
        wecom.failNext(FakeApi.JSCODE2SESSION, 2, -1);
        assertEquals("lisi", client.login(code).userId());
        assertEquals(3, wecom.calls(FakeApi.JSCODE2SESSION));
    }

    // ---- respondNext, as docs/testing.md shows it ------------------------------------------------------------

    @Test
    void respondNext_a200WithAnHtmlBody_isNotWeComJson_andIsNotRetried() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.respondNext(FakeApi.USER_GET, 1, 200, "<html>Bad Gateway</html>");
        assertThrows(WeComDecodeException.class, () -> client.getUser("lisi"));
        assertEquals(1, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void respondNext_a502AtJscode2session_failsTheLogin_withoutSendingTheCodeAgain() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.respondNext(FakeApi.JSCODE2SESSION, 1, 502, "<html>Bad Gateway</html>");
        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client.login(wecom.issueCode("wwcorpa", "lisi")));
        assertEquals(502, e.httpStatus());
        assertEquals(1, wecom.calls(FakeApi.JSCODE2SESSION));
    }

    @Test
    void respondNext_one502AtGettoken_isRetried_andTheLoginSucceeds() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.respondNext(FakeApi.GET_TOKEN, 1, 502, "<html>Bad Gateway</html>");
        assertEquals("lisi", client.login(wecom.issueCode("wwcorpa", "lisi")).userId());
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void respondNext_502sAtGettoken_beyondTheRetryBudget_failTheCall() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        int attempts = RetryPolicy.DEFAULT_MAX_RETRIES + 1;
        wecom.respondNext(FakeApi.GET_TOKEN, attempts, 502, "<html>Bad Gateway</html>");
        WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.getUser("lisi"));
        assertEquals(502, e.httpStatus());
        assertEquals(attempts, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(0, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void rateLimited_isNotRetried() {
        WeComClient client = client("wwcorpa", "secret-a").build();
        wecom.failNext(FakeApi.USER_GET, 1, 45009);
        assertThrows(RateLimitedException.class, () -> client.getUser("lisi"));
        assertEquals(1, wecom.calls(FakeApi.USER_GET));
    }

    @Test
    void concurrentColdStart_fetchesOneToken() throws Exception {
        WeComClient client = client("wwcorpa", "secret-a").build();
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Member>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return client.getUser("zhangsan");
                }));
            }
            for (Future<Member> f : results) {
                assertEquals("zhangsan", f.get().userId());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(threads, wecom.calls(FakeApi.USER_GET));
        assertTrue(wecom.liveTokens("wwcorpa").size() == 1);
    }
}
