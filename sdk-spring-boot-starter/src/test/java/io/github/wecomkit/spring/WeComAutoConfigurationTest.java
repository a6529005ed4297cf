package io.github.wecomkit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.LoginSession;
import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.observe.ApiCallEvent;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.spring.internal.MvcCallbackController;
import io.github.wecomkit.spring.internal.WeComConfigurationFailureAnalyzer;
import io.github.wecomkit.spring.internal.WebFluxCallbackController;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.token.InMemoryTokenStore;
import io.github.wecomkit.token.TokenStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Each condition of the auto-configuration, on whichever Boot line this runs (this module: Boot 3;
 * spring-boot-tests-boot4: Boot 4). Logins go to a real FakeWeCom over HTTP.
 */
class WeComAutoConfigurationTest {
    static final String CORP = "wwspring00000001";
    static final String SECRET = "Spring-Secret-Value-0123456789abcdef";
    static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final AutoConfigurations ALL = AutoConfigurations.of(WeComAutoConfiguration.class,
            WeComCallbackAutoConfiguration.class, WeComMetricsAutoConfiguration.class,
            WeComHealthAutoConfiguration.class);

    private static FakeWeCom wecom;

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(ALL);

    @BeforeAll
    static void startWeCom() {
        wecom = FakeWeCom.start();
        wecom.addCorp(CORP, SECRET).addMember("zhangsan", "张三");
    }

    @AfterAll
    static void stopWeCom() {
        wecom.close();
    }

    private ApplicationContextRunner configured(ApplicationContextRunner r) {
        return r.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET,
                "wecom.base-url=" + wecom.baseUrl());
    }

    // ---- the client and its store ------------------------------------------------------------------------

    @Test
    void withoutRedis_theClientUsesTheInMemoryStore_andLogsMembersIn() {
        configured(runner).run(context -> {
            assertThat(context).hasSingleBean(WeComClient.class).hasSingleBean(WeComProperties.class);
            assertThat(context.getBean(TokenStore.class)).isInstanceOf(InMemoryTokenStore.class);
            WeComClient client = context.getBean(WeComClient.class);
            assertThat(client.corpId()).isEqualTo(CORP);
            assertThat(client.login(wecom.issueCode(CORP, "zhangsan")).userId()).isEqualTo("zhangsan");
            assertThat(client.toString()).doesNotContain(SECRET);
        });
    }

    @Test
    void tokenStoreTypeMemory_keepsTokensInMemory_evenWithALettuceFactory() {
        configured(runner).withUserConfiguration(LettuceFactoryConfig.class)
                .withPropertyValues("wecom.token-store.type=MEMORY")
                .run(context -> assertThat(context.getBean(TokenStore.class)).isInstanceOf(InMemoryTokenStore.class));
    }

    @Test
    void theClient_isClosedWithTheContext() {
        WeComClient[] client = new WeComClient[1];
        configured(runner).run(context -> client[0] = context.getBean(WeComClient.class));

        assertThatThrownBy(() -> client[0].login(wecom.issueCode(CORP, "zhangsan")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void userDefinedBeans_win() {
        configured(runner).withUserConfiguration(OwnBeans.class).withPropertyValues("wecom.callback.token=abc123",
                "wecom.callback.encoding-aes-key=" + AES_KEY).run(context -> {
                    assertThat(context.getBean(WeComClient.class)).isSameAs(OwnBeans.CLIENT);
                    assertThat(context.getBean(TokenStore.class)).isSameAs(OwnBeans.STORE);
                    assertThat(context.getBean(WeComCallback.class)).isSameAs(OwnBeans.CALLBACK);
                    assertThat(context.getBean(WeComMetricsListener.class)).isSameAs(OwnBeans.METRICS);
                    assertThat(context).hasBean("wecomHealthIndicator");
                });
    }

    @Test
    void wecomEnabledFalse_configuresNothing() {
        configured(runner).withUserConfiguration(MeterRegistryConfig.class)
                .withPropertyValues("wecom.enabled=false", "wecom.callback.token=abc123",
                        "wecom.callback.encoding-aes-key=" + AES_KEY)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WeComClient.class)
                        .doesNotHaveBean(WeComProperties.class).doesNotHaveBean(TokenStore.class)
                        .doesNotHaveBean(WeComCallback.class).doesNotHaveBean(WeComMetricsListener.class)
                        .doesNotHaveBean("wecomHealthIndicator"));
    }

    @Test
    void customizers_runInOrder_afterTheProperties_andListenersAllHearTheClient() {
        configured(runner).withUserConfiguration(CustomizersAndListeners.class, MeterRegistryConfig.class)
                .withPropertyValues("wecom.base-url=http://127.0.0.1:9") // the customizer puts the fake back
                .run(context -> {
                    assertThat(CustomizersAndListeners.order(context)).containsExactly("first", "second");
                    WeComClient client = context.getBean(WeComClient.class);
                    client.login(wecom.issueCode(CORP, "zhangsan"));

                    List<String> heard = context.getBean(RecordingListener.class).apis;
                    assertThat(heard).containsExactly("gettoken", "miniprogram/jscode2session");
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get(WeComMetricsListener.API_CALLS)
                            .tags("api", "miniprogram/jscode2session", "outcome", "success", "errcode", "0").timer()
                            .count()).isEqualTo(1);
                });
    }

    @Test
    void metricsEnabledFalse_attachesNoMetricsListener() {
        configured(runner).withUserConfiguration(MeterRegistryConfig.class)
                .withPropertyValues("wecom.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WeComMetricsListener.class));
    }

    @Test
    void theHealthIndicator_readsTheTokenStatus_withoutCallingWeCom_andCanBeSwitchedOff() {
        configured(runner).run(context -> {
            int calls = wecom.calls(io.github.wecomkit.testkit.FakeApi.GET_TOKEN);
            BootLine.HealthReading before = BootLine.health(context.getBean("wecomHealthIndicator"));
            assertThat(before.status()).isEqualTo("UP");
            assertThat(before.details()).containsEntry("tokenStoreDegraded", false);
            assertThat(before.details().get("corps").toString()).contains(CORP, "state=ABSENT");
            assertThat(wecom.calls(io.github.wecomkit.testkit.FakeApi.GET_TOKEN)).isEqualTo(calls);

            context.getBean(WeComClient.class).login(wecom.issueCode(CORP, "zhangsan"));
            assertThat(BootLine.health(context.getBean("wecomHealthIndicator")).details().get("corps").toString())
                    .contains("state=FRESH", "expiresAt=");
        });
        configured(runner).withPropertyValues("management.health.wecom.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("wecomHealthIndicator"));
    }

    @Test
    void theHealthIndicator_isDown_whenTheOnlyCorpHasNoTokenAndItsRefreshFailed() {
        runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=wrong-secret",
                "wecom.base-url=" + wecom.baseUrl(), "wecom.retry.max-retries=0").run(context -> {
                    WeComClient client = context.getBean(WeComClient.class);
                    assertThatThrownBy(() -> client.login(wecom.issueCode(CORP, "zhangsan")))
                            .isInstanceOf(io.github.wecomkit.error.InvalidCredentialException.class);
                    BootLine.HealthReading health = BootLine.health(context.getBean("wecomHealthIndicator"));
                    assertThat(health.status()).isEqualTo("DOWN");
                    assertThat(health.details().get("corps").toString()).contains("lastFailure=")
                            .doesNotContain("wrong-secret");
                });
    }

    // ---- the callback endpoint's conditions ----------------------------------------------------------------

    @Test
    void callbackEndpoint_isTheMvcOneInAServletApp_theWebFluxOneInAReactiveApp_andNoneOtherwise() {
        String[] callback = {"wecom.corp-id=" + CORP, "wecom.secret=" + SECRET, "wecom.callback.token=abc123",
            "wecom.callback.encoding-aes-key=" + AES_KEY};
        new WebApplicationContextRunner().withConfiguration(ALL).withPropertyValues(callback).run(context ->
                assertThat(context).hasSingleBean(MvcCallbackController.class)
                        .doesNotHaveBean(WebFluxCallbackController.class));
        new ReactiveWebApplicationContextRunner().withConfiguration(ALL).withPropertyValues(callback).run(context ->
                assertThat(context).hasSingleBean(WebFluxCallbackController.class)
                        .doesNotHaveBean(MvcCallbackController.class));
        runner.withPropertyValues(callback).run(context -> assertThat(context).hasSingleBean(WeComCallback.class)
                .doesNotHaveBean(MvcCallbackController.class).doesNotHaveBean(WebFluxCallbackController.class));
        new WebApplicationContextRunner().withConfiguration(ALL).withPropertyValues(callback)
                .withPropertyValues("wecom.callback.enabled=false").run(context ->
                        assertThat(context).hasSingleBean(WeComCallback.class)
                                .doesNotHaveBean(MvcCallbackController.class));
        new WebApplicationContextRunner().withConfiguration(ALL)
                .withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET).run(context ->
                        assertThat(context).doesNotHaveBean(WeComCallback.class)
                                .doesNotHaveBean(MvcCallbackController.class));
    }

    @Test
    void receiveIds_defaultToTheCorpIds() {
        configured(runner).withPropertyValues("wecom.accepted-corp-ids=wwother000000001",
                "wecom.callback.token=abc123", "wecom.callback.encoding-aes-key=" + AES_KEY).run(context ->
                assertThat(context.getBean(WeComCallback.class).receiveIds())
                        .containsExactly(CORP, "wwother000000001"));
    }

    // ---- bad properties stop the start, naming the property, never a secret ---------------------------------

    @Test
    void missingCorpId_failsNamingIt_withoutTheSecret() {
        assertFailure(runner.withPropertyValues("wecom.secret=" + SECRET), "wecom.corp-id", "is missing",
                SECRET);
    }

    @Test
    void missingSecret_failsNamingIt_andTheEnvironmentVariable() {
        FailureAnalysis analysis = assertFailure(runner.withPropertyValues("wecom.corp-id=" + CORP), "wecom.secret",
                "is missing", "never-set");
        assertThat(analysis.getAction()).contains("WECOM_SECRET");
    }

    @Test
    void blankSecret_failsNamingIt() {
        assertFailure(runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=   "), "wecom.secret",
                "is blank", "never-set");
    }

    @Test
    void malformedCallbackKey_failsNamingIt_withoutTheKeyOrTheToken() {
        String shortKey = "ShortSecretKeyValue12345";
        assertFailure(configured(runner).withPropertyValues("wecom.callback.token=TokenSecret42",
                "wecom.callback.encoding-aes-key=" + shortKey), "wecom.callback.encoding-aes-key",
                "must be exactly 43 letters or digits (got 24 characters)", shortKey, "TokenSecret42");
    }

    @Test
    void malformedCallbackToken_failsNamingIt_withoutTheToken() {
        String token = "not a token!";
        assertFailure(configured(runner).withPropertyValues("wecom.callback.token=" + token,
                "wecom.callback.encoding-aes-key=" + AES_KEY), "wecom.callback.token",
                "must be 1 to 32 letters or digits", token, AES_KEY);
    }

    @Test
    void malformedValues_failNamingTheirProperty() {
        assertFailure(configured(runner).withPropertyValues("wecom.base-url=ftp://example.com"), "wecom.base-url",
                "must be an absolute http(s) URL", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.request-timeout=0s"), "wecom.request-timeout",
                "must be positive", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.retry.max-retries=11"), "wecom.retry.max-retries",
                "must be between 0 and 10", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.token-store.type=redis"), "wecom.token-store.type",
                "is redis, but the application has no Lettuce Redis connection factory", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.callback.token=abc123",
                "wecom.callback.encoding-aes-key=" + AES_KEY, "wecom.callback.path=/wecom/{id}")
                .withConfiguration(AutoConfigurations.of(WeComCallbackAutoConfiguration.class)),
                "wecom.callback.path", "must be an absolute path", SECRET);
    }

    @Test
    void anUnconvertibleValue_failsThroughBootsBinder_namingTheProperty() {
        configured(runner).withPropertyValues("wecom.connect-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(causes(context.getStartupFailure())).contains("wecom.connect-timeout")
                    .doesNotContain(SECRET);
        });
    }

    @Test
    void severalCorps_areCheckedEntryByEntry() {
        assertFailure(runner.withPropertyValues("wecom.corps[0].corp-id=" + CORP, "wecom.corps[0].secret=" + SECRET,
                "wecom.corps[1].corp-id=wwother000000001"), "wecom.corps[1].secret", "is missing", SECRET);
        assertFailure(runner.withPropertyValues("wecom.corps[0].corp-id=" + CORP, "wecom.corps[0].secret=" + SECRET,
                "wecom.corps[1].corp-id=" + CORP, "wecom.corps[1].secret=other-secret"), "wecom.corps[1].corp-id",
                "repeats an earlier corp", SECRET, "other-secret");
        assertFailure(configured(runner).withPropertyValues("wecom.corps[0].corp-id=" + CORP,
                "wecom.corps[0].secret=" + SECRET), "wecom.corps", "is set together with wecom.corp-id", SECRET);
    }

    @Test
    void aProxy_isChecked_thenEveryCallGoesThroughIt() throws Exception {
        assertFailure(configured(runner).withPropertyValues("wecom.proxy.host=proxy.internal"), "wecom.proxy.port",
                "is missing", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.proxy.host=proxy.internal", "wecom.proxy.port=3128",
                "wecom.proxy.username=u"), "wecom.proxy.password", "is missing", SECRET);
        assertFailure(configured(runner).withPropertyValues("wecom.proxy.system=true",
                "wecom.proxy.host=proxy.internal"), "wecom.proxy.system", "is true together with", SECRET);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        int proxyPort = closed;
        configured(runner).withPropertyValues("wecom.proxy.host=127.0.0.1", "wecom.proxy.port=" + proxyPort,
                "wecom.proxy.username=u", "wecom.proxy.password=ProxyPassword9", "wecom.retry.max-retries=0")
                .run(context -> {
                    WeComClient client = context.getBean(WeComClient.class);
                    io.github.wecomkit.error.WeComProxyException e = org.junit.jupiter.api.Assertions.assertThrows(
                            io.github.wecomkit.error.WeComProxyException.class,
                            () -> client.login(wecom.issueCode(CORP, "zhangsan")));
                    assertThat(e.proxy()).isEqualTo("127.0.0.1:" + proxyPort);
                    assertThat(e.getMessage()).doesNotContain("ProxyPassword9").doesNotContain(SECRET);
                });
    }

    @Test
    void severalCorps_giveOneRegistry_andTheDefaultCorpsClient_withTheReloginRoundTrip() {
        String other = "wwspring00000002";
        if (!wecom.toString().contains(other)) {
            wecom.addCorp(other, "other-secret-0123456789").addMember("lisi", "李四");
        }
        runner.withPropertyValues("wecom.corps[0].corp-id=" + CORP, "wecom.corps[0].secret=" + SECRET,
                "wecom.corps[1].corp-id=" + other, "wecom.corps[1].secret=other-secret-0123456789",
                "wecom.base-url=" + wecom.baseUrl()).run(context -> {
                    assertThat(context).hasSingleBean(io.github.wecomkit.corp.WeComCorps.class)
                            .hasSingleBean(WeComClient.class);
                    io.github.wecomkit.corp.WeComCorps corps = context.getBean(io.github.wecomkit.corp.WeComCorps.class);
                    assertThat(context.getBean(WeComClient.class).corpId()).isEqualTo(CORP);
                    io.github.wecomkit.error.ReloginRequiredException relogin =
                            org.junit.jupiter.api.Assertions.assertThrows(
                                    io.github.wecomkit.error.ReloginRequiredException.class,
                                    () -> corps.login(wecom.issueCode(other, "lisi")));
                    assertThat(relogin.corpId()).isEqualTo(other);
                    LoginSession session = corps.login(wecom.issueCode(other, "lisi"), other);
                    assertThat(corps.getUser(session).name()).isEqualTo("李四");
                    assertThat(corps.toString()).doesNotContain(SECRET).doesNotContain("other-secret");
                });
    }

    @Test
    void theDefaultsOfTheProperties_areTheClientsOwn() {
        WeComProperties p = new WeComProperties();
        assertThat(p.getBaseUrl()).isEqualTo(WeComClient.DEFAULT_BASE_URL);
        assertThat(p.getConnectTimeout()).isEqualTo(WeComClient.DEFAULT_CONNECT_TIMEOUT);
        assertThat(p.getRequestTimeout()).isEqualTo(WeComClient.DEFAULT_REQUEST_TIMEOUT);
        assertThat(p.getRetry().getMaxRetries()).isEqualTo(RetryPolicy.DEFAULT_MAX_RETRIES);
        assertThat(p.getRetry().getInitialBackoff()).isEqualTo(RetryPolicy.DEFAULT_INITIAL_BACKOFF);
        assertThat(p.getRetry().getMaxBackoff()).isEqualTo(RetryPolicy.DEFAULT_MAX_BACKOFF);
        assertThat(p.getRetry().getMaxElapsed()).isEqualTo(RetryPolicy.DEFAULT_MAX_ELAPSED);
        assertThat(p.getTokenStore().getKeyPrefix()).isEqualTo(io.github.wecomkit.redis.RedisTokenStore.DEFAULT_KEY_PREFIX);
        assertThat(Settings.envName("wecom.corps[2].secret")).isEqualTo("WECOM_CORPS_2_SECRET");
        assertThat(Settings.envName("wecom.corp-id")).isEqualTo("WECOM_CORPID");
    }

    /** Runs the context, expects the start to fail, and checks the report Boot would print. */
    static FailureAnalysis assertFailure(ApplicationContextRunner r, String property, String problem,
                                         String... secrets) {
        FailureAnalysis[] analysis = new FailureAnalysis[1];
        r.run(context -> {
            assertThat(context).hasFailed();
            analysis[0] = new WeComConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
        });
        assertThat(analysis[0]).as("a WeComConfigurationException among the causes").isNotNull();
        String report = analysis[0].getDescription() + "\n" + analysis[0].getAction() + "\n"
                + analysis[0].getCause().getMessage();
        assertThat(analysis[0].getDescription()).contains("the property " + property + " " + problem);
        for (String secret : secrets) {
            assertThat(report).doesNotContain(secret);
        }
        return analysis[0];
    }

    static String causes(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    // ---- configurations the tests add --------------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    static class MeterRegistryConfig {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LettuceFactoryConfig {
        @Bean
        LettuceConnectionFactory redisConnectionFactory() {
            return new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final WeComClient CLIENT = WeComClient.builder().corpId("wwown0000000001").secret("own").build();
        static final TokenStore STORE = new InMemoryTokenStore();
        static final WeComCallback CALLBACK = WeComCallback.builder().token("own").encodingAesKey(AES_KEY)
                .receiveIds("wwown0000000001").build();
        static final WeComMetricsListener METRICS = new WeComMetricsListener(new SimpleMeterRegistry());

        @Bean
        WeComClient ownClient() {
            return CLIENT;
        }

        @Bean
        TokenStore ownStore() {
            return STORE;
        }

        @Bean
        WeComCallback ownCallback() {
            return CALLBACK;
        }

        @Bean
        WeComMetricsListener ownMetrics() {
            return METRICS;
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    /** Hears the API of every attempt. */
    static final class RecordingListener implements WeComListener {
        final List<String> apis = new CopyOnWriteArrayList<>();

        @Override
        public void apiCall(ApiCallEvent event) {
            apis.add(event.api());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CustomizersAndListeners {
        static List<String> order(AssertableApplicationContext context) {
            return context.getBean("customizerOrder", CopyOnWriteArrayList.class);
        }

        @Bean
        CopyOnWriteArrayList<String> customizerOrder() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        @Order(2)
        WeComClientBuilderCustomizer second(CopyOnWriteArrayList<String> customizerOrder) {
            return builder -> {
                customizerOrder.add("second");
                builder.baseUrl(wecom.baseUrl()).requestTimeout(Duration.ofSeconds(5));
            };
        }

        @Bean
        @Order(1)
        WeComClientBuilderCustomizer first(CopyOnWriteArrayList<String> customizerOrder) {
            return builder -> customizerOrder.add("first");
        }

        @Bean
        RecordingListener recordingListener() {
            return new RecordingListener();
        }
    }
}
