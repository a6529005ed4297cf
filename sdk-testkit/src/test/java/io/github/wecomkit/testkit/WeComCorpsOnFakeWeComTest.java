package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.LoginSession;
import io.github.wecomkit.Member;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.error.CorpMismatchException;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.ReloginRequiredException;
import io.github.wecomkit.error.UserNotFoundException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.message.MiniProgramNotice;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One mini-program bound to several corps, on the fake: the relogin round trip across three corps, members read
 * with their own corp, corps added and removed while serving, and one token per corp on one shared store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeComCorpsOnFakeWeComTest {
    private static final String A = "wwcorp0000000a";
    private static final String B = "wwcorp0000000b";
    private static final String C = "wwcorp0000000c";
    private static final String D = "wwcorp0000000d";

    private FakeWeCom wecom;
    private InMemoryTokenStore store;
    private WeComCorps corps;

    private void start(FakeWeCom.Builder fake) {
        wecom = fake.start();
        wecom.addCorp(A, "secret-a").addMember("zhangsan", "张三");
        wecom.addCorp(B, "secret-b").addMember("lisi", "李四");
        wecom.addCorp(C, "secret-c").addMember("wangwu", "王五");
        wecom.addCorp(D, "secret-d").addMember("zhaoliu", "赵六");
        store = new InMemoryTokenStore(wecom.clock());
        corps = WeComCorps.builder().corp(A, "secret-a").corp(B, "secret-b").corp(C, "secret-c")
                .settings(settings()).build();
    }

    private void start() {
        start(FakeWeCom.builder());
    }

    private WeComClient.Builder settings() {
        return WeComClient.builder().baseUrl(wecom.baseUrl()).clock(wecom.clock()).tokenStore(store)
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2))
                        .build());
    }

    @AfterEach
    void stop() {
        if (corps != null) {
            corps.close();
        }
        wecom.close();
    }

    @ParameterizedTest
    @EnumSource(FakeWeCom.CrossCorpLookup.class)
    void reloginRoundTrip_acrossThreeCorps_logsEachMemberInWithTheirOwnCorp(FakeWeCom.CrossCorpLookup lookup) {
        start(FakeWeCom.builder().crossCorpLookup(lookup));

        // A member of the default corp: one exchange.
        LoginSession a = corps.login(wecom.issueCode(A, "zhangsan"));
        assertEquals(A, a.corpId());
        assertEquals("张三", corps.getUser(a).name());

        for (String[] member : new String[][] {{B, "lisi", "李四"}, {C, "wangwu", "王五"}}) {
            // First exchange with the default corp: WeCom names the member's corp; the code is used up.
            ReloginRequiredException relogin = assertThrows(ReloginRequiredException.class,
                    () -> corps.login(wecom.issueCode(member[0], member[1])));
            assertEquals(member[0], relogin.corpId());
            assertEquals(A, relogin.exchangedWith());
            assertFalse(relogin.retryable());

            // The mini-program calls wx.qy.login again and sends the new code with that corp id.
            LoginSession session = corps.login(wecom.issueCode(member[0], member[1]), relogin.corpId());
            assertEquals(member[0], session.corpId());
            assertEquals(member[1], session.userId());
            Member m = corps.getUser(session);
            assertEquals(member[2], m.name());
            assertEquals(m.name(), corps.corp(member[0]).getUser(member[1]).name());
        }
        assertEquals(Set.of(A, B, C), Set.copyOf(tokenCorps()), "each corp fetched its own token");
    }

    @ParameterizedTest
    @EnumSource(FakeWeCom.CrossCorpLookup.class)
    void lookingAMemberUpWithAnotherCorp_failsLikeWeCom(FakeWeCom.CrossCorpLookup lookup) {
        start(FakeWeCom.builder().crossCorpLookup(lookup));

        WeComApiException e = assertThrows(WeComApiException.class, () -> corps.corp(A).getUser("wangwu"));

        if (lookup == FakeWeCom.CrossCorpLookup.NOT_ALLOWED) {
            assertEquals(92002, e.errcode());
        } else {
            assertInstanceOf(UserNotFoundException.class, e);
        }
    }

    @Test
    void login_withACorpNamedByTheMiniProgram_thatAnswersYetAnotherServedCorp_asksForAnotherRelogin() {
        start();
        ReloginRequiredException e = assertThrows(ReloginRequiredException.class,
                () -> corps.login(wecom.issueCode(C, "wangwu"), B));
        assertEquals(C, e.corpId());
        assertEquals(B, e.exchangedWith());
    }

    @Test
    void login_ofAMemberOfACorpNotServed_isACorpMismatch_notARelogin() {
        start();
        CorpMismatchException e = assertThrows(CorpMismatchException.class,
                () -> corps.login(wecom.issueCode(D, "zhaoliu")));
        assertFalse(e instanceof ReloginRequiredException);
        assertEquals(D, e.corpId());
        assertEquals(Set.of(A, B, C), e.expectedCorpIds());
    }

    @Test
    void login_ofAMemberOfACorpThatHasNotAssociatedTheMiniProgram_isACorpMismatch() {
        start();
        wecom.addCorp("wwcorp0000000e", "secret-e").addMember("sunqi", "孙七");
        wecom.corp("wwcorp0000000e").app().miniProgram(false);

        CorpMismatchException e = assertThrows(CorpMismatchException.class,
                () -> corps.login(wecom.issueCode("wwcorp0000000e", "sunqi")));

        assertEquals("wwcorp0000000e", e.corpId());
        assertFalse(e.toString().contains(wecom.encryptedUserId("wwcorp0000000e", "sunqi")));
    }

    @Test
    void login_withACorpTheRegistryDoesNotServe_failsBeforeUsingTheCode() {
        start();
        String code = wecom.issueCode(D, "zhaoliu");

        CorpMismatchException e = assertThrows(CorpMismatchException.class, () -> corps.login(code, D));

        assertEquals(D, e.corpId());
        assertEquals(0, wecom.calls(FakeApi.JSCODE2SESSION));
        corps.addCorp(D, "secret-d");
        assertEquals("zhaoliu", corps.login(code, D).userId(), "the code was not used");
    }

    @Test
    void login_withAUsedCode_isInvalidCode_whicheverCorp() {
        start();
        String code = wecom.issueCode(B, "lisi");
        assertThrows(ReloginRequiredException.class, () -> corps.login(code));
        assertThrows(InvalidCodeException.class, () -> corps.login(code, B), "codes are single-use");
    }

    @Test
    void corp_ofAnUnknownCorp_isACorpMismatch() {
        start();
        assertEquals(D, assertThrows(CorpMismatchException.class, () -> corps.corp(D)).corpId());
        assertTrue(corps.serves(B));
        assertFalse(corps.serves(D));
        assertFalse(corps.serves(null));
    }

    @Test
    void corpsAddedAndRemovedAtRunTime_serveAndStopServing() {
        start();
        String dCode = wecom.issueCode(D, "zhaoliu");
        assertFalse(assertThrows(CorpMismatchException.class, () -> corps.login(dCode))
                instanceof ReloginRequiredException);

        WeComClient d = corps.addCorp(D, "secret-d");
        assertEquals(Set.of(A, B, C, D), corps.corpIds());
        assertEquals(D, assertThrows(ReloginRequiredException.class,
                () -> corps.login(wecom.issueCode(D, "zhaoliu"))).corpId());
        LoginSession session = corps.login(wecom.issueCode(D, "zhaoliu"), D);
        assertEquals("赵六", corps.getUser(session).name());

        assertTrue(corps.removeCorp(D));
        assertFalse(corps.removeCorp(D));
        assertEquals(Set.of(A, B, C), corps.corpIds());
        assertThrows(IllegalStateException.class, () -> d.getUser("zhaoliu"), "the removed corp's client is closed");
        assertThrows(CorpMismatchException.class, () -> corps.getUser(session));
        CorpMismatchException notServed = assertThrows(CorpMismatchException.class,
                () -> corps.login(wecom.issueCode(D, "zhaoliu")));
        assertFalse(notServed instanceof ReloginRequiredException);
    }

    @Test
    void aCorpRemovedAndAddedBack_usesItsTokenFromTheSharedStore_withoutAnotherGettoken() {
        start();
        corps.getUser(corps.login(wecom.issueCode(B, "lisi"), B));
        int fetched = wecom.calls(FakeApi.GET_TOKEN);

        corps.removeCorp(B);
        corps.addCorp(B, "secret-b");

        assertEquals("李四", corps.corp(B).getUser("lisi").name());
        assertEquals(fetched, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void addCorp_withTheSameSecret_keepsTheClient_andWithARotatedOne_replacesIt() {
        start();
        WeComClient b = corps.corp(B);
        assertSame(b, corps.addCorp(B, "secret-b"));

        wecom.corp(B).addApp("secret-b2");
        WeComClient rotated = corps.addCorp(B, "secret-b2");

        assertNotSame(b, rotated);
        assertThrows(IllegalStateException.class, () -> b.getUser("lisi"), "the old client is closed");
        assertEquals("李四", corps.corp(B).getUser("lisi").name());
    }

    @Test
    void theDefaultCorp_cannotBeRemoved_andCanBeChosen() {
        start();
        assertEquals(A, corps.defaultCorpId());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> corps.removeCorp(A)).getMessage()
                .contains("default"));
        try (WeComCorps other = WeComCorps.builder().corps(Map.of(A, "secret-a", B, "secret-b")).defaultCorp(B)
                .settings(settings()).build()) {
            assertEquals(B, other.defaultCorpId());
            assertEquals("lisi", other.login(wecom.issueCode(B, "lisi")).userId());
        }
    }

    @ParameterizedTest
    @EnumSource(FakeWeCom.TokenBehaviour.class)
    void manyThreadsAcrossThreeCorps_fetchOneTokenPerCorp(FakeWeCom.TokenBehaviour behaviour) throws Exception {
        start(FakeWeCom.builder().tokenBehaviour(behaviour));
        String[][] members = {{A, "zhangsan"}, {B, "lisi"}, {C, "wangwu"}};
        int threads = 12;
        CyclicBarrier go = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String[] m = members[i % 3];
                String code = wecom.issueCode(m[0], m[1]);
                results.add(pool.submit(() -> {
                    go.await();
                    return corps.getUser(corps.login(code, m[0])).userId();
                }));
            }
            for (int i = 0; i < threads; i++) {
                assertEquals(members[i % 3][1], results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, wecom.calls(FakeApi.GET_TOKEN), "one gettoken per corp");
        assertEquals(threads, wecom.calls(FakeApi.JSCODE2SESSION));
        assertEquals(threads, wecom.calls(FakeApi.USER_GET));
        for (String corp : new String[] {A, B, C}) {
            assertEquals(1, wecom.liveTokens(corp).size(), corp);
        }
    }

    @Test
    void addingAndRemovingACorpWhileOthersLogIn_disturbsNoOtherCorp() throws Exception {
        start();
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> churn = pool.submit(() -> {
                for (int i = 0; i < rounds; i++) {
                    corps.addCorp(D, "secret-d");
                    corps.removeCorp(D);
                }
            });
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                String corp = i % 2 == 0 ? A : B;
                String user = i % 2 == 0 ? "zhangsan" : "lisi";
                String code = wecom.issueCode(corp, user);
                logins.add(pool.submit(() -> corps.getUser(corps.login(code, corp)).userId()));
            }
            churn.get();
            for (int i = 0; i < rounds; i++) {
                assertEquals(i % 2 == 0 ? "zhangsan" : "lisi", logins.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Set.of(A, B, C), corps.corpIds());
        assertEquals(0, wecom.liveTokens(D).size(), "a corp that never made a call never fetched a token");
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void everyCorpsToken_isInTheOneSharedStore_underItsOwnKey() {
        start();
        for (String[] m : new String[][] {{A, "zhangsan"}, {B, "lisi"}, {C, "wangwu"}}) {
            corps.corp(m[0]).getUser(m[1]);
        }
        for (String[] c : new String[][] {{A, "secret-a"}, {B, "secret-b"}, {C, "secret-c"}}) {
            String key = "access_token:" + c[0] + ":" + Inputs.shortHash(c[1]);
            assertEquals(wecom.liveTokens(c[0]), List.of(store.get(key).orElseThrow().value()), c[0]);
        }
    }

    @Test
    void aRevokedTokenOfOneCorp_isReplacedForThatCorpOnly() {
        start();
        corps.corp(A).getUser("zhangsan");
        corps.corp(B).getUser("lisi");
        String aToken = wecom.liveTokens(A).get(0);

        wecom.revokeTokens(B);
        assertEquals("李四", corps.corp(B).getUser("lisi").name());

        assertEquals(List.of(aToken), wecom.liveTokens(A));
        assertEquals(3, wecom.calls(FakeApi.GET_TOKEN));
    }

    @Test
    void eachCorpsClient_sendsNoticesFromItsOwnApp() {
        start();
        corps.corp(C).messages().send(MiniProgramNotice.builder().appId("wx0123456789abcdef").title("会议提醒通知")
                .toUsers("wangwu").build());
        SentNotice sent = wecom.sentNotices().get(0);
        assertEquals(C, sent.corpId());
        assertEquals(wecom.corp(C).app().agentId(), sent.agentId());
    }

    @Test
    void build_refusesNoCorp_anUnknownDefault_aDuplicate_andSettingsThatNameACorp() {
        wecom = FakeWeCom.start();
        assertThrows(IllegalStateException.class, () -> WeComCorps.builder().build());
        assertThrows(IllegalStateException.class, () -> WeComCorps.builder().corp(A, "s").defaultCorp(B).build());
        assertThrows(IllegalArgumentException.class, () -> WeComCorps.builder().corp(A, "s").corp(A, "t"));
        IllegalStateException named = assertThrows(IllegalStateException.class, () -> WeComCorps.builder()
                .corp(A, "s").settings(WeComClient.builder().corpId(A)).build());
        assertTrue(named.getMessage().contains("corpId"), named.getMessage());
        assertThrows(IllegalStateException.class, () -> WeComCorps.builder().corp(A, "s")
                .settings(WeComClient.builder().acceptedCorpIds(B)).build());
        assertThrows(IllegalArgumentException.class, () -> WeComCorps.builder().corp(" ", "s"));
        assertThrows(NullPointerException.class, () -> WeComCorps.builder().corp(A, null));
    }

    @Test
    void close_closesEveryCorp_andToStringShowsNoSecret() {
        start();
        WeComClient b = corps.corp(B);
        String text = corps.toString();
        assertTrue(text.contains(A) && text.contains(B) && text.contains(C), text);
        assertFalse(text.contains("secret"), text);

        corps.close();
        corps.close();

        assertThrows(IllegalStateException.class, () -> corps.login("code"));
        assertThrows(IllegalStateException.class, () -> corps.addCorp(D, "secret-d"));
        assertThrows(IllegalStateException.class, () -> b.getUser("lisi"));
    }

    private List<String> tokenCorps() {
        List<String> corpsWithTokens = new ArrayList<>();
        for (String corp : new String[] {A, B, C, D}) {
            if (!wecom.liveTokens(corp).isEmpty()) {
                corpsWithTokens.add(corp);
            }
        }
        return corpsWithTokens;
    }
}
