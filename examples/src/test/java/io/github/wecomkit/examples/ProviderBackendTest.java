package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.wecomkit.RetryPolicy;
import io.github.wecomkit.suite.InMemoryPermanentCodeStore;
import io.github.wecomkit.suite.SuiteClient;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeSuite;
import io.github.wecomkit.testkit.FakeWeCom;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider backend on the fake: its command URL, install link and login, spoken to over HTTP. */
class ProviderBackendTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORP_A = "wwcorpa000000001";
    private static final String CORP_B = "wwcorpb000000002";

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeWeCom wecom;
    private FakeSuite fake;
    private SuiteClient suite;
    private ProviderBackend backend;

    @BeforeEach
    void start() {
        wecom = FakeWeCom.start();
        wecom.addCorp(CORP_A, "unused-a").addMember("zhangsan", "张三");
        wecom.addCorp(CORP_B, "unused-b").addMember("lisi", "李四");
        fake = wecom.addSuite(ProviderBackend.DEMO_SUITE_ID, ProviderBackend.DEMO_SUITE_SECRET);
        suite = SuiteClient.builder().suiteId(ProviderBackend.DEMO_SUITE_ID)
                .suiteSecret(ProviderBackend.DEMO_SUITE_SECRET).permanentCodeStore(new InMemoryPermanentCodeStore())
                .baseUrl(wecom.baseUrl()).clock(wecom.clock()).retryPolicy(RetryPolicy.none()).build();
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        backend = new ProviderBackend(suite, ProviderBackend.DEMO_CALLBACK_TOKEN, ProviderBackend.DEMO_AES_KEY,
                new SessionTokens(key, Duration.ofHours(2), wecom.clock()), 0);
        fake.commandUrl(backend.baseUrl() + "/wecom/suite/command", ProviderBackend.DEMO_CALLBACK_TOKEN,
                ProviderBackend.DEMO_AES_KEY);
    }

    @AfterEach
    void stop() {
        backend.close();
        suite.close();
        wecom.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : backend.baseUrl() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> login(String code) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void beforeTheFirstTicket_theInstallLinkAnswers503_thenTheFlowWorksForTwoCorps() throws Exception {
        assertTrue(fake.verifyCommandUrl().passed());
        assertEquals(503, get("/wecom/suite/install").statusCode());
        assertEquals("success", fake.pushTicket().answer().body());

        HttpResponse<String> toWeCom = get("/wecom/suite/install");
        assertEquals(302, toWeCom.statusCode());
        String redirect = fake.openInstallUrl(toWeCom.headers().firstValue("Location").orElseThrow(), CORP_A);
        HttpResponse<String> installed = get(redirect);
        assertEquals(200, installed.statusCode(), installed.body());
        assertEquals(CORP_A, JSON.readTree(installed.body()).path("corpId").asText());
        assertEquals(400, get(redirect).statusCode(), "a used install state is refused");

        assertEquals("success", fake.installFromMarket(CORP_B).answer().body());
        assertTrue(backend.awaitInstalled(CORP_B, Duration.ofSeconds(10)));

        JsonNode a = JSON.readTree(login(wecom.issueCode(CORP_A, "zhangsan")).body());
        JsonNode b = JSON.readTree(login(wecom.issueCode(CORP_B, "lisi")).body());
        assertEquals("zhangsan", a.path("member").path("userId").asText());
        assertEquals(CORP_B, b.path("corpId").asText());
        assertFalse(a.toString().contains("sessionKey"));
        assertEquals(1, wecom.calls(FakeApi.GET_SUITE_TOKEN));
    }

    @Test
    void aMemberOfACorpWithoutTheApp_gets403WithTheCorpId_andAUsedCode401() throws Exception {
        fake.pushTicket();
        HttpResponse<String> notInstalled = login(wecom.issueCode(CORP_A, "zhangsan"));
        assertEquals(403, notInstalled.statusCode());
        assertEquals(CORP_A, JSON.readTree(notInstalled.body()).path("corpId").asText());
        fake.installFromMarket(CORP_A);
        assertTrue(backend.awaitInstalled(CORP_A, Duration.ofSeconds(10)));
        String code = wecom.issueCode(CORP_A, "zhangsan");
        assertEquals(200, login(code).statusCode());
        assertEquals(401, login(code).statusCode());
        assertEquals("success", fake.cancel(CORP_A).answer().body());
        assertEquals(403, login(wecom.issueCode(CORP_A, "zhangsan")).statusCode());
    }

    @Test
    void theDemo_runsTheWholeFlowThroughHttp() throws Exception {
        backend.close();
        FakeWeCom demoWeCom = FakeWeCom.start();
        try {
            demoWeCom.addCorp("wwdemo0corp0a000", "a").addMember("zhangsan", "张三");
            demoWeCom.addCorp("wwdemo0corp0b000", "b").addMember("lisi", "李四");
            demoWeCom.addSuite(ProviderBackend.DEMO_SUITE_ID, ProviderBackend.DEMO_SUITE_SECRET);
            try (SuiteClient demoSuite = SuiteClient.builder().suiteId(ProviderBackend.DEMO_SUITE_ID)
                    .suiteSecret(ProviderBackend.DEMO_SUITE_SECRET)
                    .permanentCodeStore(new InMemoryPermanentCodeStore()).baseUrl(demoWeCom.baseUrl()).build();
                 ProviderBackend demo = new ProviderBackend(demoSuite, ProviderBackend.DEMO_CALLBACK_TOKEN,
                         ProviderBackend.DEMO_AES_KEY, SessionTokens.withRandomKey(), 0)) {
                ProviderBackend.demo(demoWeCom, demo);
                assertEquals(java.util.List.of("wwdemo0corp0a000", "wwdemo0corp0b000"), demo.installedCorps());
                assertEquals(2, demoWeCom.calls(FakeApi.SERVICE_JSCODE2SESSION));
            }
        } finally {
            demoWeCom.close();
        }
    }
}
