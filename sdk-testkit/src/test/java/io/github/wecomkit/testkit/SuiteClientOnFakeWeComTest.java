package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.Member;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.error.InvalidCodeException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.suite.AuthInfo;
import io.github.wecomkit.suite.AuthType;
import io.github.wecomkit.suite.CorpNotAuthorizedException;
import io.github.wecomkit.suite.InMemoryPermanentCodeStore;
import io.github.wecomkit.suite.InMemorySuiteTicketStore;
import io.github.wecomkit.suite.Installation;
import io.github.wecomkit.suite.PermanentCodeApi;
import io.github.wecomkit.suite.SuiteCallbackHandler;
import io.github.wecomkit.suite.SuiteClient;
import io.github.wecomkit.suite.SuiteSession;
import io.github.wecomkit.suite.SuiteTicketMissingException;
import io.github.wecomkit.testkit.FakeWeCom.TokenBehaviour;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.TokenStatus;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The provider flow end to end over real HTTP: a {@link SuiteClient} and a {@link SuiteCallbackHandler} behind a
 * command URL, against FakeWeCom's provider endpoints, which follow WeCom's rules (tickets, single-use auth codes,
 * the same token within its validity, 42009/40082, cancelled authorisations).
 */
@Timeout(60)
class SuiteClientOnFakeWeComTest {
    static final String SUITE = "wwsuite0000000001";
    static final String SUITE_SECRET = "suite-secret-0123456789abcdefghijklmnopqrstuv";
    static final String TEMPLATE = "dktemplate00000001";
    static final String CORP_A = "wwcorpa000000001";
    static final String CORP_B = "wwcorpb000000002";
    static final String CORP_C = "wwcorpc000000003";
    static final String CALLBACK_TOKEN = "suiteCallbackToken";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Installation> installed = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final List<AuthInfo> changed = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    private final List<io.github.wecomkit.callback.CallbackEvent> dataEvents = new CopyOnWriteArrayList<>();
    private FakeWeCom wecom;
    private FakeSuite fakeSuite;
    private InMemoryPermanentCodeStore codes;
    private InMemoryTokenStore tokens;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        assertEquals(List.of(), failures, "asynchronous callback work failed");
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    /** A fake WeCom on a fixed clock with three corps (one member each) and one suite. */
    private void fake(TokenBehaviour behaviour, String suiteId) {
        wecom = closeLater(FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).tokenBehaviour(behaviour)
                .start());
        wecom.addCorp(CORP_A, "secret-a").addMember("zhangsan", "张三");
        wecom.addCorp(CORP_B, "secret-b").addMember("lisi", "李四");
        wecom.addCorp(CORP_C, "secret-c").addMember("wangwu", "王五");
        fakeSuite = wecom.addSuite(suiteId, SUITE_SECRET);
        codes = new InMemoryPermanentCodeStore();
        tokens = new InMemoryTokenStore(wecom.clock());
    }

    private SuiteClient.Builder suiteBuilder(String suiteId) {
        return SuiteClient.builder().suiteId(suiteId).suiteSecret(SUITE_SECRET).permanentCodeStore(codes)
                .ticketStore(new InMemorySuiteTicketStore(wecom.clock())).tokenStore(tokens)
                .baseUrl(wecom.baseUrl()).clock(wecom.clock()).retryPolicy(RetryPolicy.none());
    }

    private SuiteClient suite() {
        return closeLater(suiteBuilder(SUITE).build());
    }

    /** A command URL in front of {@code suite}; the work after the answer runs on {@code executor}. */
    private SuiteEndpoint endpoint(SuiteClient suite, Executor executor) {
        SuiteCallbackHandler handler = SuiteCallbackHandler.builder().suite(suite)
                .callback(WeComCallback.builder().token(CALLBACK_TOKEN).encodingAesKey(AES_KEY)
                        .receiveIds(suite.suiteId()).moreReceiveIds(suite::isAuthorized).clock(wecom.clock()).build())
                .executor(executor)
                .onEvent(dataEvents::add)
                .onInstalled(installed::add)
                .onCancelled(cancelled::add)
                .onAuthChanged(changed::add)
                .onFailure((event, e) -> failures.add(e))
                .build();
        SuiteEndpoint endpoint = closeLater(SuiteEndpoint.start(handler));
        fakeSuite.commandUrl(endpoint.url(), CALLBACK_TOKEN, AES_KEY);
        return endpoint;
    }

    private static Map<String, String> query(String url) {
        Map<String, String> q = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** Installs the suite in a corp through an install link, as from the provider's own site. */
    private Installation installThroughLink(SuiteClient suite, String corpId, PermanentCodeApi api) {
        String link = suite.installUrl("https://provider.example/wecom/installed", "st" + corpId.length(),
                AuthType.FORMAL);
        Map<String, String> redirect = query(fakeSuite.openInstallUrl(link, corpId));
        assertEquals("st" + corpId.length(), redirect.get("state"));
        assertEquals("600", redirect.get("expires_in"));
        return suite.install(redirect.get("auth_code"), api);
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void installLoginMember_forTwoCorps_throughTheLinkAndTheMarket(TokenBehaviour behaviour) {
        fake(behaviour, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        assertTrue(fakeSuite.verifyCommandUrl().passed());
        assertEquals("success", fakeSuite.pushTicket().answer().body());

        Installation a = installThroughLink(suite, CORP_A, PermanentCodeApi.V1);
        assertEquals(CORP_A, a.corpId());
        assertEquals(fakeSuite.permanentCode(CORP_A).orElseThrow(), codes.get(SUITE, CORP_A).orElseThrow());
        assertEquals(fakeSuite.app(CORP_A).agentId(), a.authInfo().orElseThrow().agents().get(0).agentId());

        FakeSuite.Push market = fakeSuite.installFromMarket(CORP_B);
        assertEquals("success", market.answer().body());
        assertEquals(1, installed.size());
        assertEquals(CORP_B, installed.get(0).corpId());
        assertEquals(fakeSuite.permanentCode(CORP_B), codes.get(SUITE, CORP_B));

        SuiteSession zhangsan = suite.login(wecom.issueCode(CORP_A, "zhangsan"));
        SuiteSession lisi = suite.login(wecom.issueCode(CORP_B, "lisi"));
        assertEquals(CORP_A, zhangsan.corpId());
        assertEquals(CORP_B, lisi.corpId());
        assertTrue(zhangsan.openUserId().isPresent());
        Member memberA = suite.corp(zhangsan.corpId()).getUser(zhangsan.userId());
        Member memberB = suite.corp(lisi.corpId()).getUser(lisi.userId());
        assertEquals("zhangsan", memberA.userId());
        assertEquals("lisi", memberB.name()); // WeCom gives third-party apps the userid in place of the name
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
        assertEquals(0, wecom.calls(FakeApi.GET_CORP_TOKEN), "v1's corp token is used for the first calls");
        assertEquals(0, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(2, wecom.calls(FakeApi.GET_PERMANENT_CODE));
    }

    @Test
    void installWithV2_getsTheCorpTokenFromGetCorpToken_once() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        fakeSuite.pushTicket();
        suite.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        Installation b = installThroughLink(suite, CORP_B, PermanentCodeApi.V2);
        assertTrue(b.authInfo().isEmpty());
        WeComClient corp = suite.corp(CORP_B);
        for (int i = 0; i < 3; i++) {
            assertEquals("lisi", corp.getUser("lisi").userId());
        }
        assertEquals(1, wecom.calls(FakeApi.GET_PERMANENT_CODE_V2));
        assertEquals(1, wecom.calls(FakeApi.GET_CORP_TOKEN));
        assertEquals(fakeSuite.app(CORP_B).agentId(), suite.authInfo(CORP_B).agents().get(0).agentId());
    }

    static io.github.wecomkit.callback.SuiteTicketEvent ticketEvent(String suiteId, String ticket, Instant at) {
        return new io.github.wecomkit.callback.SuiteTicketEvent(suiteId, ticket, at, Map.of());
    }

    @Test
    void memberOfACorpWithoutTheApp_isRefusedWithTheCorpId() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        CorpNotAuthorizedException e = assertThrows(CorpNotAuthorizedException.class,
                () -> suite.login(wecom.issueCode(CORP_C, "wangwu")));
        assertEquals(CORP_C, e.corpId());
        assertThrows(CorpNotAuthorizedException.class, () -> suite.corp(CORP_C));
        assertEquals(0, wecom.calls(FakeApi.GET_CORP_TOKEN));
    }

    @Test
    void corpsAddedAtRunTime_fromTheApplicationsDatabase_areServedWithoutARestart() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient installer = suite();
        endpoint(installer, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(installer, CORP_A, PermanentCodeApi.V2);
        String code = codes.get(SUITE, CORP_A).orElseThrow();

        // Another process, whose code store starts empty; the code comes from the application's own database.
        codes = new InMemoryPermanentCodeStore();
        SuiteClient later = closeLater(suiteBuilder(SUITE).tokenStore(new InMemoryTokenStore(wecom.clock())).build());
        later.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        assertThrows(CorpNotAuthorizedException.class, () -> later.corp(CORP_A));
        later.addCorp(CORP_A, code);
        assertEquals("zhangsan", later.corp(CORP_A).getUser("zhangsan").userId());
        assertEquals(1, wecom.calls(FakeApi.GET_CORP_TOKEN));
    }

    @Test
    void noTicketYet_isATypedExplainedFailure_beforeAnyCall() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        SuiteTicketMissingException e = assertThrows(SuiteTicketMissingException.class, suite::preAuthCode);
        assertTrue(e.getMessage().contains("command URL"), e.getMessage());
        assertTrue(e.retryable());
        assertEquals(SUITE, e.suiteId());
        assertEquals(0, wecom.calls(FakeApi.GET_SUITE_TOKEN));

        // The first push fixes it at once: no backoff left over from the missing ticket.
        fakeSuite.pushTicket();
        suite.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        assertFalse(suite.preAuthCode().value().isEmpty());
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
    }

    @Test
    void ticketOfAnotherSuite_isRefused_andOlderTicketsNeverReplaceNewerOnes() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        assertFalse(suite.saveTicket(ticketEvent("wwothersuite0001", "t-other", T0)));
        assertThrows(SuiteTicketMissingException.class, suite::preAuthCode);

        fakeSuite.ticketRule(FakeSuite.TicketRule.NEWEST_ONLY);
        String first = fakeSuite.pushTicket().value();
        wecom.advance(Duration.ofMinutes(10));
        String second = fakeSuite.pushTicket().value();
        assertTrue(suite.saveTicket(ticketEvent(SUITE, second, T0.plus(Duration.ofMinutes(10)))));
        // The retry of the earlier push arrives late: refused, the newer ticket stays.
        assertFalse(suite.saveTicket(ticketEvent(SUITE, first, T0)));
        assertFalse(suite.preAuthCode().value().isEmpty()); // NEWEST_ONLY would answer 40085 for the first
    }

    @Test
    void ticketOlderThanThirtyMinutes_isGone_andTheFailureSaysSo() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        fakeSuite.pushTicket();
        suite.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        wecom.advance(Duration.ofMinutes(30));
        assertThrows(SuiteTicketMissingException.class, suite::preAuthCode);
        assertEquals(0, wecom.calls(FakeApi.GET_SUITE_TOKEN));
    }

    @Test
    void suiteTokenExpiredAtWeCom_42009_isRefreshedOnce_andTheCallRetried() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        // The client's own clock lags WeCom's: it still holds a token WeCom considers expired.
        MutableClockForSuite lagging = new MutableClockForSuite(T0);
        SuiteClient suite = closeLater(suiteBuilder(SUITE).clock(lagging)
                .ticketStore(new InMemorySuiteTicketStore(lagging)).tokenStore(new InMemoryTokenStore(lagging))
                .build());
        fakeSuite.pushTicket();
        suite.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        suite.preAuthCode();
        String first = fakeSuite.liveSuiteTokens().get(0);
        wecom.advance(FakeWeCom.DEFAULT_TOKEN_LIFETIME);
        fakeSuite.pushTicket();
        suite.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(1), T0.plusSeconds(1)));

        suite.preAuthCode();
        assertEquals(2, wecom.calls(FakeApi.GET_SUITE_TOKEN));
        assertEquals(3, wecom.calls(FakeApi.GET_PRE_AUTH_CODE), "the call with the expired token, and its retry");
        assertNotEquals(first, fakeSuite.liveSuiteTokens().get(0));
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void suiteTokenRevoked_40082_isDroppedRefreshedOnce_andTheCallRetried(TokenBehaviour behaviour) {
        fake(behaviour, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        suite.preAuthCode();
        assertEquals(1, fakeSuite.revokeSuiteTokens());
        suite.preAuthCode();
        assertEquals(2, wecom.calls(FakeApi.GET_SUITE_TOKEN));
        assertEquals(3, wecom.calls(FakeApi.GET_PRE_AUTH_CODE));
        assertEquals(TokenStatus.State.FRESH, suite.suiteTokenStatus().state());
    }

    @Test
    void corpTokenRevoked_40014_isRefreshedThroughGetCorpToken_once() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V1);
        assertEquals("zhangsan", suite.corp(CORP_A).getUser("zhangsan").userId());
        assertEquals(1, wecom.revokeTokens(CORP_A));
        assertEquals("zhangsan", suite.corp(CORP_A).getUser("zhangsan").userId());
        assertEquals(1, wecom.calls(FakeApi.GET_CORP_TOKEN));
        fakeSuite.app(CORP_A).hideMembers("zhangsan");
        assertThrows(NoPrivilegeException.class, () -> suite.corp(CORP_A).getUser("zhangsan"));
    }

    @Test
    void cancelAuth_removesTheCodeAndTheCachedTokens_andTheCorpIsNoLongerServed() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V1);
        installThroughLink(suite, CORP_B, PermanentCodeApi.V1);
        suite.corp(CORP_A).getUser("zhangsan");
        String key = "suite_corp_token:" + SUITE + ":" + CORP_A;
        assertTrue(tokens.get(key).isPresent());

        assertEquals("success", fakeSuite.cancel(CORP_A).answer().body());
        assertEquals(List.of(CORP_A), cancelled);
        assertTrue(codes.get(SUITE, CORP_A).isEmpty());
        assertTrue(tokens.get(key).isEmpty());
        assertFalse(suite.isAuthorized(CORP_A));
        assertThrows(CorpNotAuthorizedException.class, () -> suite.corp(CORP_A));
        assertThrows(CorpNotAuthorizedException.class, () -> suite.login(wecom.issueCode(CORP_A, "zhangsan")));
        // The other corp is untouched.
        assertEquals("lisi", suite.corp(CORP_B).getUser("lisi").userId());
    }

    @Test
    void cancelledOnAnotherInstance_isNoticedWithinTheRecheckInterval() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient here = suite();
        SuiteClient there = suite(); // same code store, another instance
        endpoint(there, Runnable::run);
        fakeSuite.pushTicket();
        here.saveTicket(ticketEvent(SUITE, fakeSuite.pushedTickets().get(0), T0));
        installThroughLink(here, CORP_A, PermanentCodeApi.V1);
        WeComClient corp = here.corp(CORP_A);
        assertEquals("zhangsan", corp.getUser("zhangsan").userId());

        fakeSuite.cancel(CORP_A); // lands on the other instance
        // WeCom revoked the corp's token; the refresh finds the code gone from the shared store.
        assertThrows(CorpNotAuthorizedException.class, () -> corp.getUser("zhangsan"));
        wecom.advance(SuiteClient.AUTHORIZATION_RECHECK);
        assertThrows(CorpNotAuthorizedException.class, () -> here.corp(CORP_A));
    }

    @Test
    void changeAuth_readsTheNewAuthInfo_forTheApplication() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V2);
        assertEquals("success", fakeSuite.changeAuth(CORP_A).answer().body());
        assertEquals(1, changed.size());
        assertEquals(CORP_A, changed.get(0).corp().corpId());
        assertEquals(fakeSuite.app(CORP_A).agentId(), changed.get(0).agents().get(0).agentId());
        assertEquals(1, wecom.calls(FakeApi.GET_AUTH_INFO));
    }

    @Test
    void createAuth_isAnsweredBeforeThePermanentCodeIsFetched_andItsRetryIsHandledOnce() throws Exception {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Executor held = work -> new Thread(() -> {
            try {
                release.await();
                work.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        }).start();
        SuiteEndpoint endpoint = endpoint(suite, held);
        fakeSuite.pushTicket();

        FakeSuite.Push push = fakeSuite.installFromMarket(CORP_A);
        assertEquals("success", push.answer().body());
        assertEquals(0, wecom.calls(FakeApi.GET_PERMANENT_CODE), "answered first, exchanged after");
        assertEquals("success", push.redeliverTo(endpoint.url()).body()); // WeCom's retry of the same command
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(1, wecom.calls(FakeApi.GET_PERMANENT_CODE));
        assertEquals(1, installed.size());
        assertTrue(suite.isAuthorized(CORP_A));
    }

    @Test
    void authCodes_areSingleUse() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        String authCode = fakeSuite.authorize(CORP_A);
        suite.install(authCode);
        WeComApiException e = assertThrows(WeComApiException.class, () -> suite.install(authCode));
        assertEquals(40078, e.errcode());
        assertFalse(e.getMessage().contains(authCode));
    }

    @Test
    void installUrl_hasWeComsShape_withEveryValueEncodedOnce() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        String url = suite.installUrl("https://provider.example/installed?from=wecom&x=1", "abc123",
                AuthType.TEST);
        assertTrue(url.startsWith("https://open.work.weixin.qq.com/3rdapp/install?suite_id=" + SUITE
                + "&pre_auth_code="), url);
        assertTrue(url.contains("&redirect_uri=https%3A%2F%2Fprovider.example%2Finstalled%3Ffrom%3Dwecom%26x%3D1"
                + "&state=abc123"), url);
        assertEquals(1, wecom.calls(FakeApi.SET_SESSION_INFO));
        assertThrows(IllegalArgumentException.class, () -> suite.installUrl("https://x.example/", "a-b",
                AuthType.FORMAL));
        assertThrows(IllegalArgumentException.class, () -> suite.installUrl("https://x.example/", "a".repeat(129),
                AuthType.FORMAL));
        assertThrows(IllegalArgumentException.class, () -> suite.installUrl("/relative", "", AuthType.FORMAL));
        assertEquals(1, wecom.calls(FakeApi.GET_PRE_AUTH_CODE), "bad input is refused before any call");
    }

    @Test
    void appNotOnTheMarket_installsOnlyWithATestAuthorisation() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        fakeSuite.onMarket(false);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        String formal = suite.installUrl("https://provider.example/installed", "", AuthType.FORMAL);
        assertThrows(IllegalStateException.class, () -> fakeSuite.openInstallUrl(formal, CORP_A));
        String test = suite.installUrl("https://provider.example/installed", "", AuthType.TEST);
        String authCode = query(fakeSuite.openInstallUrl(test, CORP_A)).get("auth_code");
        assertEquals(CORP_A, suite.install(authCode).corpId());
    }

    @Test
    void customizedApp_takesItsCorpTokenFromGettoken_withThePermanentCodeAsTheSecret() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, TEMPLATE);
        IllegalStateException wrongMode = assertThrows(IllegalStateException.class,
                () -> suiteBuilder(TEMPLATE).build());
        assertTrue(wrongMode.getMessage().contains("customizedApp(true)"), wrongMode.getMessage());
        SuiteClient template = closeLater(suiteBuilder(TEMPLATE).customizedApp(true).build());
        endpoint(template, Runnable::run);
        fakeSuite.pushTicket();
        fakeSuite.installFromMarket(CORP_A);
        assertEquals(1, installed.size());
        assertTrue(installed.get(0).authInfo().orElseThrow().agents().get(0).customizedApp());

        wecom.resetCalls();
        wecom.revokeTokens(CORP_A); // drop the token get_permanent_code answered: the client fetches its own
        WeComClient corp = template.corp(CORP_A);
        io.github.wecomkit.LoginSession session = corp.login(wecom.issueCode(CORP_A, "zhangsan"));
        assertEquals("张三", corp.getUser(session.userId()).name()); // a customised app sees names
        assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(0, wecom.calls(FakeApi.GET_CORP_TOKEN));
        assertThrows(IllegalStateException.class, () -> template.login("any-code"));
    }

    @Test
    void customizedAppsCode_isAPlainGettokenSecret_forAnyWeComClient() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, TEMPLATE);
        SuiteClient template = closeLater(suiteBuilder(TEMPLATE).customizedApp(true).build());
        endpoint(template, Runnable::run);
        fakeSuite.pushTicket();
        template.install(fakeSuite.authorize(CORP_A));
        // A plain WeComClient with the permanent code as its secret works too: that is what gettoken expects.
        WeComClient direct = closeLater(WeComClient.builder().corpId(CORP_A)
                .secret(codes.get(TEMPLATE, CORP_A).orElseThrow()).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                .build());
        assertEquals("zhangsan", direct.getUser("zhangsan").userId());
        assertEquals(0, wecom.calls(FakeApi.GET_CORP_TOKEN));
    }

    @Test
    void providerToken_isFetchedOnce_andServesProviderApis() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        wecom.provider("wwprovider000001", "provider-secret-0123456789");
        SuiteClient suite = closeLater(suiteBuilder(SUITE).provider("wwprovider000001", "provider-secret-0123456789")
                .build());
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V2);
        String open = suite.provider().openCorpId(CORP_A);
        assertTrue(open.startsWith("wpo"), open);
        assertEquals(open, suite.provider().openCorpId(CORP_A));
        assertTrue(suite.provider().post("service/corpid_to_opencorpid", "{\"corpid\":\"" + CORP_A + "\"}")
                .contains(open));
        WeComApiException notAuthorized = assertThrows(WeComApiException.class,
                () -> suite.provider().openCorpId(CORP_C));
        assertEquals(48004, notAuthorized.errcode());
        assertEquals(1, wecom.calls(FakeApi.GET_PROVIDER_TOKEN));
        assertThrows(IllegalArgumentException.class, () -> suite.provider().post("/service/x", "{}"));
        assertThrows(IllegalArgumentException.class, () -> suite.provider().post("service/x", "[1]"));
        assertEquals(4, wecom.calls(FakeApi.CORPID_TO_OPENCORPID));
    }

    @Test
    void usedLoginCode_isAnInvalidCode_andNeverResent() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V2);
        String code = wecom.issueCode(CORP_A, "zhangsan");
        suite.login(code);
        assertThrows(InvalidCodeException.class, () -> suite.login(code));
        assertEquals(2, wecom.calls(FakeApi.SERVICE_JSCODE2SESSION));
    }

    @Test
    void dataEvents_ofAuthorisedCorps_reachTheApplication_andOthersAreRefused() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        SuiteClient suite = suite();
        SuiteEndpoint endpoint = endpoint(suite, Runnable::run);
        fakeSuite.pushTicket();
        installThroughLink(suite, CORP_A, PermanentCodeApi.V2);
        CallbackSender corpA = wecom.callbackSender(endpoint.url(), CALLBACK_TOKEN, AES_KEY, CORP_A);
        CallbackSender corpC = wecom.callbackSender(endpoint.url(), CALLBACK_TOKEN, AES_KEY, CORP_C);

        CallbackSender.CallbackResponse answer = corpA.sendSubscribe("zhangsan");
        assertEquals(200, answer.status());
        assertEquals("", answer.body(), "a data event is answered with an empty body");
        assertEquals(200, corpA.sendSubscribe("zhangsan").status()); // WeCom's retry: not handed on twice
        assertEquals(1, dataEvents.size());
        assertEquals("zhangsan", ((io.github.wecomkit.callback.SubscribeEvent) dataEvents.get(0)).fromUserName());
        assertEquals(400, corpC.sendSubscribe("wangwu").status(), "a corp that has not authorised the suite");
        assertEquals(1, dataEvents.size());
    }

    @Test
    void ticketStoreDown_answersAnError_andWeComsRetryIsHandledOnceItIsBack() {
        fake(TokenBehaviour.SAME_WITHIN_VALIDITY, SUITE);
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        InMemorySuiteTicketStore memory = new InMemorySuiteTicketStore(wecom.clock());
        io.github.wecomkit.suite.SuiteTicketStore flaky = new io.github.wecomkit.suite.SuiteTicketStore() {
            @Override
            public boolean offer(io.github.wecomkit.suite.SuiteTicket ticket) {
                if (down.get()) {
                    throw new IllegalStateException("store down");
                }
                return memory.offer(ticket);
            }

            @Override
            public java.util.Optional<io.github.wecomkit.suite.SuiteTicket> newest(String suiteId) {
                return memory.newest(suiteId);
            }
        };
        SuiteClient suite = closeLater(suiteBuilder(SUITE).ticketStore(flaky).build());
        SuiteEndpoint endpoint = endpoint(suite, Runnable::run);
        FakeSuite.Push push = fakeSuite.pushTicket();
        assertEquals(500, push.answer().status());
        down.set(false);
        assertEquals("success", push.redeliverTo(endpoint.url()).body());
        assertFalse(suite.preAuthCode().value().isEmpty());
    }

    /** A clock a test moves by hand, for a client whose clock differs from WeCom's. */
    static final class MutableClockForSuite extends Clock {
        private volatile Instant now;

        MutableClockForSuite(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
