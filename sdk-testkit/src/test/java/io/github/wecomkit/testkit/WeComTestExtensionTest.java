package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.IpNotAllowedException;
import io.github.wecomkit.error.NoPrivilegeException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs sample test classes through the JUnit engine and checks what {@code @WeComTest} gave them. */
class WeComTestExtensionTest {

    @Test
    void weComTest_injectsOneFakePerClass_intoFieldsAndParameters_andClosesItAfterTheClass() throws Exception {
        // resetBeforeEachTest = false: this sample sets its world up once, in @BeforeAll
        SampleTest.seen.clear();
        Events tests = run(SampleTest.class);
        assertEquals(3, tests.succeeded().count(), failures(tests));
        assertEquals(0, tests.failed().count());
        Set<FakeWeCom> distinct = Set.copyOf(SampleTest.seen);
        assertEquals(1, distinct.size(), "one fake for the whole class");
        assertClosed(distinct.iterator().next());
    }

    @Test
    void weComTest_givesEveryTestACleanFake_soTheDocsPatternWorks() {
        Events tests = run(DocsPatternSampleTest.class);
        assertEquals(3, tests.succeeded().count(), failures(tests));
        assertEquals(0, tests.failed().count(), failures(tests));
    }

    @Test
    void weComTest_resetsBeforeTheTestsOwnBeforeEach_andKeepsThePort_forAClientBuiltInBeforeAll() {
        Events tests = run(ClassClientSampleTest.class);
        assertEquals(2, tests.succeeded().count(), failures(tests));
    }

    @Test
    void weComTest_withResetTurnedOff_keepsOneWorldForTheClass() {
        Events tests = run(SharedWorldSampleTest.class);
        assertEquals(2, tests.succeeded().count(), failures(tests));
    }

    @Test
    void nestedClasses_getTheOuterFake_resetBeforeEachOfTheirTests() {
        Events tests = run(NestedResetSampleTest.class);
        assertEquals(3, tests.succeeded().count(), failures(tests));
    }

    @Test
    void concurrentTestsOfOneClass_areRefused_withTheWayOut() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "*")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .selectors(selectClass(DocsPatternSampleTest.class)).execute().testEvents();
        assertEquals(3, tests.failed().count(), failures(tests));
        Throwable why = tests.failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(why.getMessage().contains("must not run concurrently")
                && why.getMessage().contains("@Execution(ExecutionMode.SAME_THREAD)"), why.getMessage());
    }

    @Test
    void concurrentClasses_eachWithItsOwnFake_run() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "*")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .selectors(selectClass(DocsPatternSampleTest.class), selectClass(ClassClientSampleTest.class))
                .execute().testEvents();
        assertEquals(5, tests.succeeded().count(), failures(tests));
    }

    @Test
    void weComTest_appliesItsSettingsToTheFake() {
        Events tests = run(ConfiguredSampleTest.class);
        assertEquals(1, tests.succeeded().count(), failures(tests));
    }

    @Test
    void nestedClasses_shareTheOuterFake() {
        NestedSampleTest.seen.clear();
        Events tests = run(NestedSampleTest.class);
        assertEquals(2, tests.succeeded().count(), failures(tests));
        assertEquals(1, Set.copyOf(NestedSampleTest.seen).size());
    }

    @Test
    void fakeWeComParameter_withoutTheExtension_isNotResolved() {
        Events tests = run(NoExtensionSampleTest.class);
        assertEquals(1, tests.failed().count(), failures(tests));
    }

    /** What failed and why, for the assertion messages. */
    private static String failures(Events tests) {
        StringBuilder out = new StringBuilder();
        tests.failed().stream().forEach(e -> out.append(e.getTestDescriptor().getDisplayName()).append(": ")
                .append(e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(Throwable::getMessage).orElse("?")).append("; "));
        return out.toString();
    }

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "*")
                .selectors(selectClass(testClass)).execute().testEvents();
    }

    private static void assertClosed(FakeWeCom wecom) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(wecom.baseUrl() + "/cgi-bin/gettoken")).build();
        assertThrows(ConnectException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
    }

    // The samples below are run by the tests above, not by surefire directly (their names do not end in Test
    // at the top level, and they are static nested classes that surefire's default includes skip).

    @WeComTest(resetBeforeEachTest = false)
    static class SampleTest {
        static final List<FakeWeCom> seen = new CopyOnWriteArrayList<>();
        static FakeWeCom shared;
        FakeWeCom wecom;

        @BeforeAll
        static void beforeAll(FakeWeCom fromParameter) {
            assertSame(shared, fromParameter, "static field injected before @BeforeAll");
            fromParameter.addCorp("wwsample", "secret").addMember("zhangsan", "张三");
        }

        @Test
        void fieldIsInjected() {
            assertNotNull(wecom);
            seen.add(wecom);
        }

        @Test
        void parameterIsInjected(FakeWeCom fromParameter) {
            assertSame(wecom, fromParameter);
            seen.add(fromParameter);
        }

        @Test
        void stateFromBeforeAllIsThere() throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwsample&corpsecret=secret")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(response.body().contains("\"errcode\":0"), response.body());
            seen.add(wecom);
        }
    }

    @WeComTest(tokenLifetimeSeconds = 10, gettokenLimitPerMinute = 1)
    static class ConfiguredSampleTest {
        @Test
        void settingsApply(FakeWeCom wecom) throws Exception {
            wecom.addCorp("wwsample", "secret");
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create(wecom.baseUrl() + "/cgi-bin/gettoken?corpid=wwsample&corpsecret=secret")).build();
            assertTrue(http.send(request, HttpResponse.BodyHandlers.ofString()).body().contains("\"expires_in\":10"));
            assertTrue(http.send(request, HttpResponse.BodyHandlers.ofString()).body().contains("\"errcode\":45009"));
        }
    }

    @WeComTest
    static class NestedSampleTest {
        static final Set<FakeWeCom> seen = ConcurrentHashMap.newKeySet();
        static final List<FakeWeCom> all = new CopyOnWriteArrayList<>();

        @Test
        void outer(FakeWeCom wecom) {
            seen.add(wecom);
        }

        @Nested
        class Inner {
            @Test
            void inner(FakeWeCom wecom) {
                seen.add(wecom);
            }
        }
    }

    /** The pattern docs/testing.md shows: the world set up in @BeforeEach, tests that change it. */
    @WeComTest
    static class DocsPatternSampleTest {
        FakeWeCom wecom;
        WeComClient client;

        @BeforeEach
        void setUp() {
            wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");   // fails on the second test without a reset
            client = WeComClient.builder().corpId("wwcorp").secret("secret").baseUrl(wecom.baseUrl())
                    .clock(wecom.clock()).build();
        }

        @AfterEach
        void tearDown() {
            client.close();
        }

        /** What any test here may rely on, whichever ran before it. */
        private void assertCleanWorld() {
            for (FakeApi api : FakeApi.values()) {
                assertEquals(0, wecom.calls(api), api.name());
            }
            assertTrue(wecom.liveTokens("wwcorp").isEmpty());
            assertTrue(wecom.sentMessages().isEmpty());
        }

        @Test
        void hidesAMember() {
            assertCleanWorld();
            assertEquals("张三", client.getUser("zhangsan").name());
            wecom.corp("wwcorp").app().hideMembers("zhangsan");
            assertThrows(NoPrivilegeException.class, () -> client.getUser("zhangsan"));
        }

        @Test
        void advancesTheClockAndScriptsAFault() {
            assertCleanWorld();
            wecom.advance(Duration.ofHours(3));
            wecom.failNext(FakeApi.USER_GET, 1, 60020);
            assertThrows(IpNotAllowedException.class, () -> client.getUser("zhangsan"));
        }

        @Test
        void seesNoneOfIt() {
            assertCleanWorld();
            String code = wecom.issueCode("wwcorp", "zhangsan");
            assertEquals("张三", client.getUser(client.login(code).userId()).name(), "visible, no fault left");
            assertEquals(1, wecom.calls(FakeApi.GET_TOKEN));
        }
    }

    /** A client built once for the class still reaches the fake after each reset. */
    @WeComTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ClassClientSampleTest {
        static WeComClient client;
        FakeWeCom wecom;

        @BeforeAll
        static void buildClient(FakeWeCom wecom) {
            client = WeComClient.builder().corpId("wwcorp").secret("secret").baseUrl(wecom.baseUrl())
                    .clock(wecom.clock()).build();
        }

        @AfterAll
        static void closeClient() {
            client.close();
        }

        @BeforeEach
        void setUp() {
            assertEquals(0, wecom.calls(FakeApi.USER_GET), "reset ran before this @BeforeEach");
            wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
        }

        @Test
        @Order(1)
        void first() {
            assertEquals("张三", client.getUser("zhangsan").name());
        }

        @Test
        @Order(2)
        void second() {
            assertEquals("张三", client.getUser("zhangsan").name());
            assertEquals(1, wecom.calls(FakeApi.GET_TOKEN), "the token of the first test was unknown: one new one");
        }
    }

    @WeComTest(resetBeforeEachTest = false)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SharedWorldSampleTest {
        @Test
        @Order(1)
        void first(FakeWeCom wecom) {
            wecom.addCorp("wwshared", "secret");
            wecom.advance(Duration.ofMinutes(1));
        }

        @Test
        @Order(2)
        void second(FakeWeCom wecom) {
            assertEquals("wwshared", wecom.corp("wwshared").corpId());
            assertThrows(IllegalArgumentException.class, () -> wecom.addCorp("wwshared", "secret"));
        }
    }

    @WeComTest
    static class NestedResetSampleTest {
        FakeWeCom wecom;

        @BeforeEach
        void setUp() {
            wecom.addCorp("wwcorp", "secret");
        }

        @Test
        void outer() {
            wecom.corp("wwcorp").addMember("zhangsan", "张三");
        }

        @Nested
        class Inner {
            @Test
            void first() {
                assertTrue(wecom.corp("wwcorp").member("zhangsan").isEmpty());
                wecom.corp("wwcorp").addMember("zhangsan", "张三");
            }

            @Test
            void second() {
                assertTrue(wecom.corp("wwcorp").member("zhangsan").isEmpty());
                wecom.corp("wwcorp").addMember("zhangsan", "张三");
            }
        }
    }

    static class NoExtensionSampleTest {
        @Test
        void needsTheExtension(FakeWeCom wecom) {
            assertNotNull(wecom);
        }
    }
}
