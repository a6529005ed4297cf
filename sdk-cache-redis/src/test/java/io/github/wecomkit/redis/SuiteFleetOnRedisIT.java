package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.suite.CorpNotAuthorizedException;
import io.github.wecomkit.suite.Installation;
import io.github.wecomkit.suite.PermanentCodeApi;
import io.github.wecomkit.suite.SuiteCallbackHandler;
import io.github.wecomkit.suite.SuiteClient;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testkit.CallbackSender.CallbackResponse;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeSuite;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.FakeWeCom.TokenBehaviour;
import io.github.wecomkit.token.TokenStatus;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two instances of a provider's backend on one real redis-server, each with its own SuiteClient, Redis stores
 * (own connections) and command URL, against FakeWeCom: one suite token and one token per corp for the fleet, a
 * ticket pushed to one instance serving both, WeCom's retries of a command handled once, a cancellation on one
 * instance seen by the other. Counts are exact; both of WeCom's answers to a repeated token fetch are covered.
 */
class SuiteFleetOnRedisIT {
    private static final String SUITE = "wwsuite0000000001";
    private static final String SUITE_SECRET = "fleet-suite-secret-0123456789abcdefghijklmnop";
    private static final String TEMPLATE = "dktemplate00000001";
    private static final String CORP_A = "wwcorpa000000001";
    private static final String CORP_B = "wwcorpb000000002";
    private static final String CALLBACK_TOKEN = "suiteCallbackToken";
    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final int THREADS_PER_INSTANCE = 16;
    private static final Instant T0 = Instant.parse("2026-11-21T08:00:00Z");

    private static RedisServerProcess server;
    private static RedisClient adminClient;
    private static StatefulRedisConnection<String, String> adminConnection;
    private static RedisCommands<String, String> redis;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2 * THREADS_PER_INSTANCE + 4);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Installation> installed = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    private FakeWeCom wecom;
    private FakeSuite fakeSuite;

    @BeforeAll
    static void start() {
        server = RedisServerProcess.start();
        adminClient = RedisClient.create(server.uri());
        adminConnection = adminClient.connect();
        redis = adminConnection.sync();
    }

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
        adminConnection.close();
        adminClient.shutdown();
        server.close();
    }

    @BeforeEach
    void reset() {
        redis.flushall();
        LogCapture.clear();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        assertEquals(List.of(), failures, "asynchronous callback work failed");
        String logs = LogCapture.allText();
        assertFalse(logs.contains(SUITE_SECRET), "the suite secret was logged");
        if (fakeSuite != null) {
            for (String secret : fakeSuite.pushedTickets()) {
                assertFalse(logs.contains(secret), "a ticket was logged");
            }
            for (String corp : List.of(CORP_A, CORP_B)) {
                fakeSuite.permanentCode(corp).ifPresent(c -> assertFalse(logs.contains(c), "a code was logged"));
                for (String token : wecom.liveTokens(corp)) {
                    assertFalse(logs.contains(token), "a corp token was logged");
                }
            }
            for (String token : fakeSuite.liveSuiteTokens()) {
                assertFalse(logs.contains(token), "a suite token was logged");
            }
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private void fake(TokenBehaviour behaviour) {
        wecom = closeLater(FakeWeCom.builder().clock(Clock.fixed(T0, ZoneOffset.UTC)).tokenBehaviour(behaviour)
                .start());
        wecom.addCorp(CORP_A, "secret-a").addMember("zhangsan", "张三");
        wecom.addCorp(CORP_B, "secret-b").addMember("lisi", "李四");
        fakeSuite = wecom.addSuite(SUITE, SUITE_SECRET);
    }

    /** One instance of the provider's backend: its own Redis connections, SuiteClient and command URL. */
    private final class Instance {
        final SuiteClient suite;
        final CommandEndpoint commandUrl;

        Instance() {
            this(SUITE);
        }

        Instance(String suiteId) {
            // 2 s command timeouts: exact counts must not depend on a starved build machine's Redis latency.
            RedisTokenStore tokens = closeLater(RedisTokenStore.builder().redisUri(server.uri()).clock(wecom.clock())
                    .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(5)).build());
            RedisSuiteTicketStore tickets = closeLater(RedisSuiteTicketStore.builder().redisUri(server.uri())
                    .clock(wecom.clock()).commandTimeout(Duration.ofSeconds(2)).build());
            RedisPermanentCodeStore codes = closeLater(RedisPermanentCodeStore.builder().redisUri(server.uri())
                    .commandTimeout(Duration.ofSeconds(2)).build());
            RedisCallbackGuard guard = closeLater(RedisCallbackGuard.builder().redisUri(server.uri())
                    .commandTimeout(Duration.ofSeconds(2)).build());
            suite = closeLater(SuiteClient.builder().suiteId(suiteId).suiteSecret(SUITE_SECRET).ticketStore(tickets)
                    .customizedApp(suiteId.startsWith("dk"))
                    .permanentCodeStore(codes).tokenStore(tokens).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                    .retryPolicy(RetryPolicy.none()).build());
            SuiteCallbackHandler handler = SuiteCallbackHandler.builder().suite(suite)
                    .callback(WeComCallback.builder().token(CALLBACK_TOKEN).encodingAesKey(AES_KEY).receiveIds(suiteId)
                            .clock(wecom.clock()).build())
                    .guard(guard).executor(Runnable::run)
                    .onInstalled(installed::add).onCancelled(cancelled::add)
                    .onFailure((event, e) -> failures.add(e))
                    .build();
            commandUrl = closeLater(new CommandEndpoint(handler));
        }
    }

    /** Runs {@code call} on every instance from {@code threads} threads each, all released at once. */
    private void allAtOnce(List<Instance> fleet, int threads, Consumer<SuiteClient> call) throws Exception {
        int parties = fleet.size() * threads;
        CyclicBarrier barrier = new CyclicBarrier(parties);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            SuiteClient suite = fleet.get(i % fleet.size()).suite;
            done.add(POOL.submit(() -> {
                barrier.await();
                call.accept(suite);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void aTicketPushedToOneInstance_servesTheFleet_withOneSuiteTokenAndOneCorpTokenPerCorp(TokenBehaviour behaviour)
            throws Exception {
        fake(behaviour);
        List<Instance> fleet = List.of(new Instance(), new Instance());
        fakeSuite.commandUrl(fleet.get(0).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        assertEquals("success", fakeSuite.pushTicket().answer().body());
        wecom.delayNext(FakeApi.GET_SUITE_TOKEN, 5, Duration.ofMillis(50)); // a slow fetch widens the race

        allAtOnce(fleet, THREADS_PER_INSTANCE, SuiteClient::preAuthCode);
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN), "get_suite_token calls across the fleet");

        for (String corp : List.of(CORP_A, CORP_B)) {
            fleet.get(0).suite.install(fakeSuite.authorize(corp), PermanentCodeApi.V2); // V2: no first token
        }
        wecom.delayNext(FakeApi.GET_CORP_TOKEN, 5, Duration.ofMillis(50));
        allAtOnce(fleet, THREADS_PER_INSTANCE, suite -> {
            assertEquals("zhangsan", suite.corp(CORP_A).getUser("zhangsan").userId());
            assertEquals("lisi", suite.corp(CORP_B).getUser("lisi").userId());
        });
        assertEquals(2, wecom.calls(FakeApi.GET_CORP_TOKEN), "one get_corp_token per corp across the fleet");
        assertEquals(0, wecom.calls(FakeApi.GET_TOKEN));
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
        assertEquals(List.of(fakeSuite.liveSuiteTokens().get(0)), fakeSuite.liveSuiteTokens(), "one suite token");
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void suiteAndCorpTokensRefreshedAhead_costOneFetchEachForTheFleet(TokenBehaviour behaviour) throws Exception {
        fake(behaviour);
        List<Instance> fleet = List.of(new Instance(), new Instance());
        fakeSuite.commandUrl(fleet.get(1).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        fakeSuite.pushTicket();
        fleet.get(0).suite.install(fakeSuite.authorize(CORP_A), PermanentCodeApi.V2);
        allAtOnce(fleet, 1, suite -> suite.corp(CORP_A).getUser("zhangsan"));
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
        assertEquals(1, wecom.calls(FakeApi.GET_CORP_TOKEN));

        // Into the refresh-ahead window of both tokens: a 7200 s token turns stale 114 minutes after its fetch
        // (5 minutes ahead of its 1-minute expiry margin). Tickets keep coming every 10 minutes, as WeCom's do.
        for (int minutes = 10; minutes <= 110; minutes += 10) {
            wecom.advance(Duration.ofMinutes(10));
            fakeSuite.pushTicket();
        }
        wecom.advance(Duration.ofMinutes(5)); // 115 minutes
        allAtOnce(fleet, THREADS_PER_INSTANCE, suite -> suite.corp(CORP_A).getUser("zhangsan"));
        assertTrue(wecom.awaitCalls(FakeApi.GET_CORP_TOKEN, 2, Duration.ofSeconds(20)));
        Eventually.await("both instances on the refreshed corp token", Duration.ofSeconds(20),
                () -> fleet.stream().allMatch(i -> i.suite.corp(CORP_A).tokenStatus().state()
                        == TokenStatus.State.FRESH));
        allAtOnce(fleet, THREADS_PER_INSTANCE, suite -> suite.corp(CORP_A).getUser("zhangsan"));
        assertEquals(2, wecom.calls(FakeApi.GET_CORP_TOKEN), "one refresh of the corp token for the fleet");

        allAtOnce(fleet, THREADS_PER_INSTANCE, SuiteClient::preAuthCode);
        assertTrue(wecom.awaitCalls(FakeApi.GET_SUITE_TOKEN, 2, Duration.ofSeconds(20)));
        Eventually.await("both instances on the refreshed suite token", Duration.ofSeconds(20),
                () -> fleet.stream().allMatch(i -> i.suite.suiteTokenStatus().state() == TokenStatus.State.FRESH));
        allAtOnce(fleet, THREADS_PER_INSTANCE, SuiteClient::preAuthCode);
        assertEquals(2, wecom.calls(FakeApi.GET_SUITE_TOKEN), "one refresh of the suite token for the fleet");
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void customizedAppsOnAFleet_fetchEachCorpsTokenOnceWithGettoken(TokenBehaviour behaviour) throws Exception {
        fake(behaviour);
        FakeSuite template = wecom.addSuite(TEMPLATE, SUITE_SECRET);
        List<Instance> fleet = List.of(new Instance(TEMPLATE), new Instance(TEMPLATE));
        template.commandUrl(fleet.get(1).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        template.pushTicket();
        for (String corp : List.of(CORP_A, CORP_B)) {
            fleet.get(0).suite.install(template.authorize(corp), PermanentCodeApi.V2);
        }
        wecom.delayNext(FakeApi.GET_TOKEN, 5, Duration.ofMillis(50));
        allAtOnce(fleet, THREADS_PER_INSTANCE, suite -> {
            assertEquals("张三", suite.corp(CORP_A).getUser("zhangsan").name());
            assertEquals("李四", suite.corp(CORP_B).getUser("lisi").name());
        });
        assertEquals(2, wecom.calls(FakeApi.GET_TOKEN), "one gettoken per customised app across the fleet");
        assertEquals(0, wecom.calls(FakeApi.GET_CORP_TOKEN));
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void bothInstancesGet40082ForTheSameSuiteToken_exactlyOneRefetch(TokenBehaviour behaviour) throws Exception {
        fake(behaviour);
        List<Instance> fleet = List.of(new Instance(), new Instance());
        fakeSuite.commandUrl(fleet.get(0).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        fakeSuite.pushTicket();
        allAtOnce(fleet, 1, SuiteClient::preAuthCode);
        assertEquals(1, fakeSuite.revokeSuiteTokens());
        wecom.advance(Duration.ofSeconds(1));

        allAtOnce(fleet, THREADS_PER_INSTANCE, SuiteClient::preAuthCode);
        assertEquals(2, wecom.calls(FakeApi.GET_SUITE_TOKEN), "the first token and exactly one refetch");
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void createAuthDeliveredToBothInstances_isInstalledOnce(TokenBehaviour behaviour) throws Exception {
        fake(behaviour);
        List<Instance> fleet = List.of(new Instance(), new Instance());
        fakeSuite.commandUrl(fleet.get(0).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        fakeSuite.pushTicket();

        // WeCom saw no answer in time and retries on the other instance; then once more, both at once.
        FakeSuite.Push push = fakeSuite.installFromMarket(CORP_A);
        assertEquals("success", push.answer().body());
        assertEquals("success", push.redeliverTo(fleet.get(1).commandUrl.url()).body());
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<CallbackResponse>> again = new ArrayList<>();
        for (Instance instance : fleet) {
            again.add(POOL.submit(() -> {
                barrier.await();
                return push.redeliverTo(instance.commandUrl.url());
            }));
        }
        for (Future<CallbackResponse> f : again) {
            assertEquals("success", f.get(30, TimeUnit.SECONDS).body());
        }
        assertEquals(1, wecom.calls(FakeApi.GET_PERMANENT_CODE), "the auth code exchanged once for the fleet");
        assertEquals(1, installed.size());
        assertEquals(fakeSuite.permanentCode(CORP_A).orElseThrow(),
                redis.hget("wecomkit:{permanent_codes:" + SUITE + "}", CORP_A));
        // A new command is no duplicate of an earlier one: the next ticket is stored, for the whole fleet.
        wecom.advance(Duration.ofMinutes(10));
        FakeSuite.Push ticket = fakeSuite.pushTicket();
        assertEquals("success", ticket.answer().body());
        assertTrue(redis.get("wecomkit:{suite_ticket:" + SUITE + "}").endsWith(":" + ticket.value()));
    }

    @ParameterizedTest
    @EnumSource(TokenBehaviour.class)
    void cancelAuthOnOneInstance_dropsTheSharedCodeAndToken_andTheOtherStopsServingTheCorp(TokenBehaviour behaviour)
            throws Exception {
        fake(behaviour);
        List<Instance> fleet = List.of(new Instance(), new Instance());
        fakeSuite.commandUrl(fleet.get(0).commandUrl.url(), CALLBACK_TOKEN, AES_KEY);
        fakeSuite.pushTicket();
        fleet.get(0).suite.install(fakeSuite.authorize(CORP_A));
        fleet.get(0).suite.install(fakeSuite.authorize(CORP_B));
        allAtOnce(fleet, 1, suite -> suite.corp(CORP_A).getUser("zhangsan"));
        String tokenKey = "wecomkit:{suite_corp_token:" + SUITE + ":" + CORP_A + "}";
        assertEquals(1L, redis.exists(tokenKey));

        assertEquals("success", fakeSuite.cancel(CORP_A).answer().body());
        assertEquals(List.of(CORP_A), cancelled);
        assertNull(redis.hget("wecomkit:{permanent_codes:" + SUITE + "}", CORP_A));
        assertEquals(0L, redis.exists(tokenKey));
        assertThrows(CorpNotAuthorizedException.class, () -> fleet.get(0).suite.corp(CORP_A));
        wecom.advance(SuiteClient.AUTHORIZATION_RECHECK);
        assertThrows(CorpNotAuthorizedException.class, () -> fleet.get(1).suite.corp(CORP_A));
        assertEquals("lisi", fleet.get(1).suite.corp(CORP_B).getUser("lisi").userId());
    }
}
