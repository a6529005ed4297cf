package io.github.wecomkit.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.wecomkit.spring.WeComMetricsListener;
import io.github.wecomkit.testkit.CallbackSender;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeWeCom;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example end to end on the embedded FakeWeCom: a mini-program's login through the real HTTP endpoint, then
 * the metrics the starter recorded, by name and count, the health and a member event through the callback URL.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "management.endpoint.health.show-details=always"})
class LoginApplicationTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    private FakeWeCom wecom;
    @Autowired
    private MeterRegistry registry;
    @Autowired
    private JsonMapper json;
    @Autowired
    private MemberEvents memberEvents;
    @Autowired
    private Environment env;

    @Test
    void aMemberLogsIn_andTheStarterCountsEachWeComCall() throws Exception {
        wecom.resetCalls();
        JsonNode first = post("/api/login", "{\"code\":\"" + wecom.issueCode(DemoWeCom.CORP_ID, "zhangsan") + "\"}",
                200);
        String usedCode = wecom.issueCode(DemoWeCom.CORP_ID, "zhangsan");
        post("/api/login", "{\"code\":\"" + usedCode + "\"}", 200);
        JsonNode again = post("/api/login", "{\"code\":\"" + usedCode + "\"}", 401);

        assertThat(first.path("corpId").asString()).isEqualTo(DemoWeCom.CORP_ID);
        assertThat(first.path("member").path("name").asString()).isEqualTo("张三");
        assertThat(again.path("error").asString()).isEqualTo("invalid_code");
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(url("/api/me"))
                .header("Authorization", "Bearer " + first.path("token").asString()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.readTree(me.body()).path("userId").asString()).isEqualTo("zhangsan");

        // One gettoken (then the token is cached), three code exchanges, two member reads: as WeCom saw them,
        // and as the meters counted them.
        assertThat(wecom.calls(FakeApi.GET_TOKEN)).isEqualTo(1);
        assertThat(wecom.calls(FakeApi.JSCODE2SESSION)).isEqualTo(3);
        assertThat(wecom.calls(FakeApi.USER_GET)).isEqualTo(2);
        assertThat(timerCount("gettoken", "success", "0")).isEqualTo(1);
        assertThat(timerCount("miniprogram/jscode2session", "success", "0")).isEqualTo(2);
        assertThat(timerCount("miniprogram/jscode2session", "api_error", "40029")).isEqualTo(1);
        assertThat(timerCount("user/get", "success", "0")).isEqualTo(2);
        assertThat(registry.get(WeComMetricsListener.TOKEN_REFRESHES).tags("kind", "corp", "outcome", "fetched")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get(WeComMetricsListener.TOKEN_STORE_DEGRADED).gauge().value()).isZero();
        assertThat(registry.find(WeComMetricsListener.API_RETRIES).counters()).isEmpty();
    }

    @Test
    void theHealth_andTheCallbackUrl_workOnTheFakeToo() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(url("/actuator/health/wecom")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json.readTree(health.body()).path("status").asString()).isEqualTo("UP");

        CallbackSender callbacks = wecom.callbackSender(url("/wecom/callback").toString(), DemoWeCom.CALLBACK_TOKEN,
                DemoWeCom.CALLBACK_AES_KEY, DemoWeCom.CORP_ID);
        assertThat(callbacks.verifyUrl().passed()).isTrue();
        assertThat(callbacks.sendUnsubscribe("wangwu").status()).isEqualTo(200);
        assertThat(memberEvents.recent()).contains("+lisi", "-wangwu"); // +lisi: the demo runner's event
    }

    private double timerCount(String api, String outcome, String errcode) {
        return registry.get(WeComMetricsListener.API_CALLS).tags("api", api, "outcome", outcome, "errcode", errcode)
                .timer().count();
    }

    private JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return json.readTree(response.body());
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + path);
    }
}
