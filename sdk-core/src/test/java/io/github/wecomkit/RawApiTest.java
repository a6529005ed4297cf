package io.github.wecomkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.wecomkit.error.IpNotAllowedException;
import io.github.wecomkit.error.NoPrivilegeException;
import io.github.wecomkit.error.WeComApiException;
import io.github.wecomkit.error.WeComDecodeException;
import io.github.wecomkit.error.WeComErrorCode;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.internal.Inputs;
import io.github.wecomkit.testing.ManualExecutor;
import io.github.wecomkit.testing.MutableClock;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.token.AccessToken;
import io.github.wecomkit.token.InMemoryTokenStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Any other WeCom API through {@code client.get/post}: the managed token goes in, parameters are encoded, paths
 * cannot leave WeCom's API, errcodes become the table's exceptions, and POSTs are never re-sent.
 */
@Timeout(60)
class RawApiTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final RetryPolicy POLICY = RetryPolicy.builder().maxRetries(2)
            .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(80)).maxElapsed(Duration.ofSeconds(20))
            .build();
    private static final String DEPARTMENTS = "{\"errcode\":0,\"errmsg\":\"ok\",\"department\":[{\"id\":2,"
            + "\"name\":\"广州研发中心\",\"parentid\":1,\"order\":10,\"department_leader\":[\"zhangsan\"]}]}";

    private final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    private final RecordingSleeper sleeper = new RecordingSleeper();

    /** What a user maps an answer onto: unknown fields are ignored. */
    record Department(long id, String name, long parentid) {
    }

    record Departments(List<Department> department) {
    }

    private WeComClient client() {
        InMemoryTokenStore store = new InMemoryTokenStore(clock);
        store.put("access_token:" + CORP_ID + ":" + Inputs.shortHash(SECRET),
                AccessToken.of(TOKEN_1, clock.instant(), clock.instant().plus(Duration.ofHours(2))));
        return WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wm.baseUrl()).clock(clock)
                .tokenStore(store).requestTimeout(Duration.ofSeconds(5)).retryPolicy(POLICY).sleeper(sleeper)
                .refreshExecutor(new ManualExecutor()).build();
    }

    private static void stubGet(String path, ResponseDefinitionBuilder response) {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/" + path)).willReturn(response));
    }

    private static void stubPost(String path, ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlPathEqualTo("/cgi-bin/" + path)).willReturn(response));
    }

    private static int requests() {
        return wm.findAll(anyRequestedFor(anyUrl())).size();
    }

    // ---- GET ------------------------------------------------------------------------------------------

    @Test
    void get_sendsTheManagedTokenAndEncodedParams_andReturnsTheJson() {
        stubGet("department/list", okJson(DEPARTMENTS));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", "1");
        params.put("name", "研发 & 测试=1?#");

        JsonNode answer = client().get("department/list", params);

        assertEquals("广州研发中心", answer.at("/department/0/name").asText());
        wm.verify(getRequestedFor(urlPathEqualTo("/cgi-bin/department/list"))
                .withQueryParam("access_token", equalTo(TOKEN_1)).withQueryParam("id", equalTo("1"))
                .withQueryParam("name", equalTo("研发 & 测试=1?#")));
        String url = wm.findAll(getRequestedFor(urlPathEqualTo("/cgi-bin/department/list"))).get(0).getUrl();
        assertTrue(url.contains("name=%E7%A0%94%E5%8F%91+%26+%E6%B5%8B%E8%AF%95%3D1%3F%23"), url);
    }

    @Test
    void get_mapsTheAnswerOntoAUserType_ignoringUnknownFields() {
        stubGet("department/list", okJson(DEPARTMENTS));

        Departments answer = client().get("department/list", Map.of(), Departments.class);

        assertEquals(List.of(new Department(2, "广州研发中心", 1)), answer.department());
    }

    @Test
    void get_throughApi_isTheSameCall() {
        stubGet("department/list", okJson(DEPARTMENTS));
        assertEquals(2, client().api().get("department/list", Map.of()).at("/department/0/id").asInt());
    }

    @Test
    void get_whenWeComAnswersAnErrcode_throwsTheTablesType() {
        stubGet("user/list_id", okJson(Payloads.error(60011, "no privilege")));
        NoPrivilegeException e = assertThrows(NoPrivilegeException.class,
                () -> client().get("user/list_id", Map.of()));
        assertEquals("user/list_id", e.api());

        stubGet("user/list_id", okJson(Payloads.error(60020, "not allow to access from your ip")));
        assertInstanceOf(IpNotAllowedException.class,
                assertThrows(WeComApiException.class, () -> client().get("user/list_id", Map.of())));

        stubGet("user/list_id", okJson(Payloads.error(93000, "a code wecomkit does not know")));
        WeComApiException unknown = assertThrows(WeComApiException.class,
                () -> client().get("user/list_id", Map.of()));
        assertEquals(93000, unknown.errcode());
        assertEquals(WeComApiException.class, unknown.getClass());
    }

    @Test
    void get_whenTheTokenIsRejected_replacesItOnce() {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(Payloads.token(TOKEN_2, 7200))));
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/department/list")).withQueryParam("access_token", equalTo(TOKEN_1))
                .willReturn(okJson(Payloads.error(42001, "access_token expired"))));
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/department/list")).withQueryParam("access_token", equalTo(TOKEN_2))
                .willReturn(okJson(DEPARTMENTS)));

        assertEquals(2, client().get("department/list", Map.of()).at("/department/0/id").asInt());
    }

    @Test
    void get_anAnswerWithoutErrcode_isASuccess() {
        stubGet("some/api", okJson("{\"value\":7}"));
        assertEquals(7, client().get("some/api", Map.of()).get("value").asInt());
    }

    @Test
    void get_anAnswerThatIsNotAJsonObject_isADecodeError() {
        stubGet("some/api", okJson("[1,2]"));
        assertThrows(WeComDecodeException.class, () -> client().get("some/api", Map.of()));
        stubGet("some/api", aResponse().withStatus(200).withBody("<html>hi</html>"));
        assertThrows(WeComDecodeException.class, () -> client().get("some/api", Map.of()));
        stubGet("some/api", okJson("{\"errcode\":\"nope\"}"));
        assertThrows(WeComDecodeException.class, () -> client().get("some/api", Map.of()));
    }

    @Test
    void get_anAnswerThatDoesNotFitTheType_isADecodeErrorWithoutTheValues() {
        stubGet("department/list", okJson("{\"errcode\":0,\"department\":\"secret-looking-text\"}"));

        WeComDecodeException e = assertThrows(WeComDecodeException.class,
                () -> client().get("department/list", Map.of(), Departments.class));

        assertTrue(e.getMessage().contains("Departments"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-looking-text"), e.getMessage());
    }

    @Test
    void get_afterADroppedConnection_isResent_forWeComsGetsAreReads() {
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/department/list")).inScenario("s").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("ok"));
        wm.stubFor(get(urlPathEqualTo("/cgi-bin/department/list")).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson(DEPARTMENTS)));

        assertEquals(2, client().get("department/list", Map.of()).at("/department/0/id").asInt());
        assertEquals(2, requests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"code", "js_code", "auth_code", "CODE"})
    void get_withASingleUseCode_isNotResentAfterADrop(String name) {
        stubGet("auth/getuserinfo", aResponse().withFault(Fault.EMPTY_RESPONSE));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client().get("auth/getuserinfo", Map.of(name, "single-use-code-123")));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, requests());
        assertFalse(e.toString().contains("single-use-code-123"));
    }

    // ---- POST -----------------------------------------------------------------------------------------

    @Test
    void post_sendsEveryKindOfBodyAsJsonWithTheToken() throws Exception {
        stubPost("tag/create", okJson("{\"errcode\":0,\"errmsg\":\"created\",\"tagid\":12}"));
        WeComClient client = client();
        record Tag(String tagname, int tagid) {
        }

        assertEquals(12, client.post("tag/create", Map.of("tagname", "后端", "tagid", 12)).get("tagid").asInt());
        client.post("tag/create", new ObjectMapper().readTree("{\"tagname\":\"后端\",\"tagid\":12}"));
        client.post("tag/create", "{\"tagname\":\"后端\",\"tagid\":12}");
        client.post("tag/create", new Tag("后端", 12));

        wm.verify(4, postRequestedFor(urlPathEqualTo("/cgi-bin/tag/create"))
                .withQueryParam("access_token", equalTo(TOKEN_1))
                .withRequestBody(equalToJson("{\"tagname\":\"后端\",\"tagid\":12}")));
    }

    @Test
    void post_mapsTheAnswerOntoAUserType() {
        stubPost("tag/create", okJson("{\"errcode\":0,\"errmsg\":\"created\",\"tagid\":12}"));
        record Created(int tagid) {
        }
        assertEquals(new Created(12), client().post("tag/create", Map.of("tagname", "x"), Created.class));
    }

    @Test
    void post_aBodyThatIsNotAJsonObject_isRefusedBeforeAnyCall() {
        WeComClient client = client();
        for (Object body : new Object[] {List.of(1, 2), "[]", 42, "not json", "\"text\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.post("tag/create", body), String.valueOf(body));
            assertTrue(e.getMessage().startsWith("body"), e.getMessage());
            assertFalse(e.getMessage().contains("not json"), e.getMessage());
        }
        Object unserialisable = new Object() {
            @SuppressWarnings("unused")
            public Object getSelf() {
                return this;
            }
        };
        assertThrows(IllegalArgumentException.class, () -> client.post("tag/create", unserialisable));
        assertThrows(NullPointerException.class, () -> client.post("tag/create", null));
        assertEquals(0, requests());
    }

    @Test
    void post_afterADroppedConnection_isNotResent_andMayHaveReachedWeCom() {
        stubPost("tag/create", aResponse().withFault(Fault.EMPTY_RESPONSE));

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client().post("tag/create", Map.of("tagname", "x")));

        assertTrue(e.mayHaveReachedWeCom());
        assertEquals(1, requests());
        assertEquals(0, sleeper.count());
    }

    @Test
    void post_afterA5xx_isNotResent() {
        stubPost("tag/create", aResponse().withStatus(503));
        assertThrows(WeComTransportException.class, () -> client().post("tag/create", Map.of("tagname", "x")));
        assertEquals(1, requests());
    }

    @Test
    void post_whenWeComIsBusy_isRetried() {
        wm.stubFor(post(urlPathEqualTo("/cgi-bin/tag/create")).inScenario("s").whenScenarioStateIs(STARTED)
                .willReturn(okJson(Payloads.error(-1, "system busy"))).willSetStateTo("ok"));
        wm.stubFor(post(urlPathEqualTo("/cgi-bin/tag/create")).inScenario("s").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"errcode\":0,\"tagid\":3}")));

        assertEquals(3, client().post("tag/create", Map.of("tagname", "x")).get("tagid").asInt());
        assertEquals(2, requests());
    }

    @Test
    void post_whenWeComAnswersAnErrcode_throwsTheTablesType() {
        stubPost("message/send", okJson(Payloads.error(81013, "user & party & tag all invalid")));
        WeComApiException e = assertThrows(WeComApiException.class,
                () -> client().post("message/send", Map.of("touser", "ghost")));
        assertEquals(WeComErrorCode.ALL_RECIPIENTS_INVALID.exceptionType(), e.getClass());
    }

    // ---- paths, parameters, the token ------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/user/get", "/cgi-bin/user/get", "http://evil.example/x", "https://evil.example",
        "//evil.example/x", "evil.example/cgi-bin/x", "user/../gettoken", "../x", "user/./get", ".", "user/get?x=1",
        "user/get#frag", "user get", "user/get\n", "user/get\u0000", "", "user//get", "user/get/", "%2e%2e/x",
        "user\\get", "cgi-bin/user/get", "用户/get"})
    void paths_thatCouldLeaveWeComsApi_areRefusedBeforeAnyCall(String path) {
        WeComClient client = client();
        IllegalArgumentException get = assertThrows(IllegalArgumentException.class, () -> client.get(path, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> client.post(path, Map.of()));
        assertTrue(get.getMessage().startsWith("path"), get.getMessage());
        assertEquals(0, requests());
    }

    @Test
    void paths_ofWeComsShapes_areAccepted() {
        stubGet("service/v2/get_auth_info", okJson("{\"errcode\":0}"));
        stubGet("externalcontact/get_follow_user_list", okJson("{\"errcode\":0}"));
        client().get("service/v2/get_auth_info", Map.of());
        client().get("externalcontact/get_follow_user_list", Map.of());
        assertEquals(2, requests());
    }

    @Test
    void params_areChecked_andTheTokenCannotBeOverridden() {
        WeComClient client = client();
        for (String name : new String[] {"access_token", "ACCESS_TOKEN", "", "a b", "a&b", "名字"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.get("user/get", Map.of(name, "x")), name);
            assertTrue(e.getMessage().startsWith("params"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> client.get("user/get", Map.of("userid", "a\nb")));
        assertThrows(IllegalArgumentException.class, () -> client.get("user/get",
                Map.of("userid", "x".repeat(Inputs.MAX_LENGTH + 1))));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("userid", null);
        assertThrows(NullPointerException.class, () -> client.get("user/get", nullValue));
        assertThrows(NullPointerException.class, () -> client.get("user/get", null));
        assertThrows(NullPointerException.class, () -> client.get(null, Map.of()));
        assertThrows(NullPointerException.class, () -> client.get("user/get", Map.of(), null));
        assertEquals(0, requests());
    }

    @Test
    void accessToken_isTheTokenInHand_withoutACall_andAColdClientFetchesOne() {
        assertEquals(TOKEN_1, client().accessToken());
        assertEquals(0, requests());

        wm.stubFor(get(urlPathEqualTo("/cgi-bin/gettoken")).willReturn(okJson(Payloads.token(TOKEN_2, 7200))));
        WeComClient cold = WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(wm.baseUrl()).clock(clock)
                .sleeper(sleeper).refreshExecutor(new ManualExecutor()).build();
        assertEquals(TOKEN_2, cold.api().accessToken());
        assertEquals(TOKEN_2, cold.accessToken());
        assertEquals(1, requests());
    }

    @Test
    void calls_afterClose_throwIllegalState() {
        WeComClient client = client();
        client.close();
        assertThrows(IllegalStateException.class, () -> client.get("user/get", Map.of()));
        assertThrows(IllegalStateException.class, () -> client.post("tag/create", Map.of()));
        assertThrows(IllegalStateException.class, client::accessToken);
        assertEquals(0, requests());
    }

    @Test
    void toString_namesTheCorpOnly() {
        assertEquals("RawApi{corpId=" + CORP_ID + "}", client().api().toString());
        assertEquals("Messages{corpId=" + CORP_ID + "}", client().messages().toString());
    }
}
