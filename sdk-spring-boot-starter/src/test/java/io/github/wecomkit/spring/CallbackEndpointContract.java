package io.github.wecomkit.spring;

import static io.github.wecomkit.spring.WeComAutoConfigurationTest.AES_KEY;
import static io.github.wecomkit.spring.WeComAutoConfigurationTest.CORP;
import static io.github.wecomkit.spring.WeComAutoConfigurationTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.callback.SubscribeEvent;
import io.github.wecomkit.callback.UnsubscribeEvent;
import io.github.wecomkit.testkit.CallbackSender;
import io.github.wecomkit.testkit.FakeWeCom;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The callback endpoint on a real server, driven by the testkit's signed, encrypted callbacks, as WeCom would
 * send them. {@link MvcCallbackTest} runs it on Tomcat with Spring MVC, {@link WebFluxCallbackTest} on Netty with
 * WebFlux; the same checks, on whichever Boot line this module builds against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CallbackEndpointContract {
    static final String TOKEN = "wecomkitTestToken";
    static final String OTHER_CORP = "wwnotours0000001";

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;
    private ConfigurableApplicationContext app;
    private String base;
    private CallbackSender callbacks;

    abstract WebApplicationType webApplicationType();

    @BeforeAll
    void start() {
        wecom = FakeWeCom.start();
        wecom.addCorp(CORP, SECRET).addMember("zhangsan", "张三");
        wecom.addCorp(OTHER_CORP, "another-secret"); // a real corp, just not one this application serves
        // Immediate shutdown: Boot's graceful one would wait for the connection of the refused oversized upload.
        app = new SpringApplicationBuilder(CallbackApp.class).web(webApplicationType()).properties(
                "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off", "server.shutdown=immediate",
                "spring.autoconfigure.exclude=" + BootLine.REDIS_EXCLUDES,
                "wecom.corp-id=" + CORP, "wecom.secret=" + SECRET, "wecom.base-url=" + wecom.baseUrl(),
                "wecom.callback.token=" + TOKEN, "wecom.callback.encoding-aes-key=" + AES_KEY,
                "wecom.callback.path=/hooks/wecom",
                "management.endpoint.health.show-details=always",
                "management.endpoints.web.exposure.include=health").run();
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
        callbacks = wecom.callbackSender(base + "/hooks/wecom", TOKEN, AES_KEY, CORP);
    }

    @AfterAll
    void stop() {
        app.close();
        wecom.close();
    }

    @Test
    void urlVerification_answersTheEchoStringAndNothingElse() {
        double before = callbackCount("accepted", "url_verification", "none");

        assertThat(callbacks.verifyUrl().passed()).isTrue();

        assertThat(callbackCount("accepted", "url_verification", "none")).isEqualTo(before + 1);
    }

    @Test
    void anEvent_isPublishedOnceAsItsType_andWeComsRetryOfItIsDropped() {
        Received received = app.getBean(Received.class);
        String subscribe = memberEvent("subscribe", "lisi", 1_790_000_001L);
        double duplicates = callbackCount("accepted", "duplicate", "none");

        CallbackSender.CallbackResponse first = callbacks.send(subscribe);
        CallbackSender.CallbackResponse retry = callbacks.send(subscribe); // WeCom resends, newly encrypted

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).isEmpty();
        assertThat(retry.status()).isEqualTo(200);
        assertThat(received.subscribed).containsExactly("lisi");
        assertThat(received.unsubscribed).isEmpty();
        assertThat(callbackCount("accepted", "duplicate", "none")).isEqualTo(duplicates + 1);

        assertThat(callbacks.sendUnsubscribe("lisi").status()).isEqualTo(200);
        assertThat(received.unsubscribed).containsExactly("lisi");
    }

    @Test
    void aListenerThatFails_answers500_andWeComsRetryIsHandledAgain() {
        Received received = app.getBean(Received.class);
        String event = memberEvent("subscribe", "failonce", 1_790_000_002L);

        CallbackSender.CallbackResponse failed = callbacks.send(event);
        CallbackSender.CallbackResponse retried = callbacks.send(event);

        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.body()).isEmpty();
        assertThat(retried.status()).isEqualTo(200);
        assertThat(received.subscribed).containsOnlyOnce("failonce");
    }

    @Test
    void forgedOrMisaddressedCallbacks_areForbidden_withoutDetail() {
        double before = callbackCount("rejected", "event", "bad_signature");
        CallbackSender forger = wecom.callbackSender(base + "/hooks/wecom", "someOtherToken", AES_KEY, CORP);
        CallbackSender misaddressed = wecom.callbackSender(base + "/hooks/wecom", TOKEN, AES_KEY, OTHER_CORP);

        CallbackSender.CallbackResponse forged = forger.sendSubscribe("mallory");
        CallbackSender.CallbackResponse wrongCorp = misaddressed.sendSubscribe("mallory");
        CallbackSender.UrlVerification forgedVerification = forger.verifyUrl();

        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.body()).isEmpty();
        assertThat(wrongCorp.status()).isEqualTo(403);
        assertThat(wrongCorp.body()).isEmpty();
        assertThat(forgedVerification.status()).isEqualTo(403);
        assertThat(forgedVerification.passed()).isFalse();
        assertThat(app.getBean(Received.class).subscribed).doesNotContain("mallory");
        assertThat(callbackCount("rejected", "event", "bad_signature")).isEqualTo(before + 1);
        assertThat(callbackCount("rejected", "event", "wrong_receive_id")).isEqualTo(1);
    }

    @Test
    void brokenRequests_areBadRequests_andHugeBodiesAreRefused() throws Exception {
        HttpResponse<String> noParameters = http.send(HttpRequest.newBuilder(URI.create(base + "/hooks/wecom"))
                .POST(HttpRequest.BodyPublishers.ofString("<xml/>")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> huge = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/hooks/wecom?msg_signature=a&timestamp=1&nonce=2"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(noParameters.statusCode()).isEqualTo(400);
        assertThat(noParameters.body()).isEmpty();
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(callbackCount("rejected", "event", "missing_parameter")).isEqualTo(1);
    }

    @Test
    void theHealthEndpoint_showsEachCorpsToken_andLoginChangesItFromAbsentToFresh() throws Exception {
        JsonNode before = health();
        app.getBean(io.github.wecomkit.WeComClient.class).login(wecom.issueCode(CORP, "zhangsan"));
        JsonNode after = health();

        assertThat(before.path("status").asText()).isEqualTo("UP");
        assertThat(after.path("status").asText()).isEqualTo("UP");
        assertThat(after.path("details").path("corps").path(CORP).path("state").asText()).isEqualTo("FRESH");
        assertThat(after.path("details").path("tokenStoreDegraded").asBoolean(true)).isFalse();
        assertThat(after.toString()).doesNotContain(SECRET);
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/wecom"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private double callbackCount(String outcome, String kind, String reason) {
        Search search = app.getBean(MeterRegistry.class).find(WeComMetricsListener.CALLBACKS)
                .tags("outcome", outcome, "kind", kind, "reason", reason);
        return search.counter() == null ? 0 : search.counter().count();
    }

    private static String memberEvent(String event, String userId, long createTime) {
        return "<xml><ToUserName><![CDATA[" + CORP + "]]></ToUserName><FromUserName><![CDATA[" + userId
                + "]]></FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[" + event + "]]></Event><AgentID>1000002</AgentID></xml>";
    }

    /** An application with the starter and one listener per callback type. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CallbackApp {
        @Bean
        Received received() {
            return new Received();
        }
    }

    /** Listens by the callback's type, as an application would. */
    static final class Received {
        final List<String> subscribed = new CopyOnWriteArrayList<>();
        final List<String> unsubscribed = new CopyOnWriteArrayList<>();
        private final AtomicBoolean failedOnce = new AtomicBoolean();

        @EventListener
        void onSubscribe(WeComCallbackReceivedEvent<SubscribeEvent> event) {
            String user = event.callbackEvent().fromUserName();
            if (user.equals("failonce") && failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("the member database is down");
            }
            subscribed.add(user);
        }

        @EventListener
        void onUnsubscribe(WeComCallbackReceivedEvent<UnsubscribeEvent> event) {
            unsubscribed.add(event.callbackEvent().fromUserName());
        }
    }
}
