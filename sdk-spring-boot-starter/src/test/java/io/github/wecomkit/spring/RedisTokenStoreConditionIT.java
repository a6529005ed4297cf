package io.github.wecomkit.spring;

import static io.github.wecomkit.spring.WeComAutoConfigurationTest.CORP;
import static io.github.wecomkit.spring.WeComAutoConfigurationTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.redis.RedisTokenStore;
import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.token.TokenStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.slf4j.event.Level;

/**
 * The application has Redis (Boot's own Redis auto-configuration on a real redis-server): the token store is a
 * {@link RedisTokenStore} on the application's Lettuce client, with the application's Redis settings.
 */
class RedisTokenStoreConditionIT {
    private static RedisServer redis;
    private static FakeWeCom wecom;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BootLine.REDIS_AUTO_CONFIGURATION))
            .withConfiguration(WeComAutoConfigurationTest.ALL);

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        wecom = FakeWeCom.start();
        wecom.addCorp(CORP, SECRET).addMember("zhangsan", "张三");
    }

    @AfterAll
    static void stop() throws Exception {
        wecom.close();
        redis.close();
    }

    @Test
    void withRedis_tokensGoThroughTheApplicationsOwnLettuceClient_withItsSettings() {
        LogCapture.clear();
        runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET,
                "wecom.base-url=" + wecom.baseUrl(), "wecom.token-store.key-prefix=billing:wecomkit:",
                "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
                "spring.data.redis.database=3", "spring.data.redis.client-name=billing-app").run(context -> {
                    assertThat(context.getBean(TokenStore.class)).isInstanceOf(RedisTokenStore.class);
                    WeComClient client = context.getBean(WeComClient.class);
                    client.login(wecom.issueCode(CORP, "zhangsan"));

                    LettuceConnectionFactory factory = context.getBean(LettuceConnectionFactory.class);
                    try (RedisConnection connection = factory.getConnection()) {
                        // The application's database (3) and the configured prefix: its settings, not defaults.
                        Set<String> keys = connection.keyCommands().keys("billing:wecomkit:*".getBytes(
                                StandardCharsets.UTF_8)).stream().map(k -> new String(k, StandardCharsets.UTF_8))
                                .collect(Collectors.toSet());
                        assertThat(keys).singleElement().asString().startsWith("billing:wecomkit:{access_token:" + CORP);
                        // Every connection carries the application's client name: the store opened its
                        // connections on the application's client instead of a client of its own.
                        List<String> names = clientNames(connection);
                        assertThat(names).hasSizeGreaterThanOrEqualTo(3).containsOnly("billing-app");
                    }

                    // A second instance of the application shares the token: no second gettoken.
                    int fetched = wecom.calls(FakeApi.GET_TOKEN);
                    runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET,
                            "wecom.base-url=" + wecom.baseUrl(), "wecom.token-store.key-prefix=billing:wecomkit:",
                            "spring.data.redis.port=" + redis.port(), "spring.data.redis.database=3")
                            .run(second -> second.getBean(WeComClient.class).login(wecom.issueCode(CORP, "zhangsan")));
                    assertThat(wecom.calls(FakeApi.GET_TOKEN)).isEqualTo(fetched);
                });
        assertThat(LogCapture.events()).noneMatch(e -> e.level().toInt() >= Level.WARN.toInt()
                && e.logger().startsWith("io.github.wecomkit"));
    }

    private static List<String> clientNames(RedisConnection connection) {
        return connection.serverCommands().getClientList().stream()
                .map(info -> info.get("name"))
                .toList();
    }

    @Test
    void aUserDefinedStore_stillWins_overRedis() {
        runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET,
                "spring.data.redis.port=" + redis.port())
                .withBean("ownStore", TokenStore.class, io.github.wecomkit.token.InMemoryTokenStore::new)
                .run(context -> assertThat(context.getBean(TokenStore.class)).isNotInstanceOf(RedisTokenStore.class));
    }

    @Test
    void typeRedis_withRedis_isRedis_andAKeyPrefixWithBraces_failsNamingIt() {
        runner.withPropertyValues("wecom.corp-id=" + CORP, "wecom.secret=" + SECRET, "wecom.token-store.type=redis",
                "spring.data.redis.port=" + redis.port())
                .run(context -> assertThat(context.getBean(TokenStore.class)).isInstanceOf(RedisTokenStore.class));
        WeComAutoConfigurationTest.assertFailure(runner.withPropertyValues("wecom.corp-id=" + CORP,
                "wecom.secret=" + SECRET, "wecom.token-store.key-prefix=app:{x}:",
                "spring.data.redis.port=" + redis.port()), "wecom.token-store.key-prefix", "is not accepted: must not contain", SECRET);
    }
}
