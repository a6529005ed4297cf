package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** Runs sample test classes through the JUnit engine and checks what {@code @WeComTest} gave them. */
class WeComTestExtensionTest {

    @Test
    void weComTest_injectsOneFakePerClass_intoFieldsAndParameters_andClosesItAfterTheClass() throws Exception {
        SampleTest.seen.clear();
        Events tests = run(SampleTest.class);
        assertEquals(3, tests.succeeded().count(), tests.toString());
        assertEquals(0, tests.failed().count());
        Set<FakeWeCom> distinct = Set.copyOf(SampleTest.seen);
        assertEquals(1, distinct.size(), "one fake for the whole class");
        assertClosed(distinct.iterator().next());
    }

    @Test
    void weComTest_appliesItsSettingsToTheFake() {
        Events tests = run(ConfiguredSampleTest.class);
        assertEquals(1, tests.succeeded().count(), tests.toString());
    }

    @Test
    void nestedClasses_shareTheOuterFake() {
        NestedSampleTest.seen.clear();
        Events tests = run(NestedSampleTest.class);
        assertEquals(2, tests.succeeded().count(), tests.toString());
        assertEquals(1, Set.copyOf(NestedSampleTest.seen).size());
    }

    @Test
    void fakeWeComParameter_withoutTheExtension_isNotResolved() {
        Events tests = run(NoExtensionSampleTest.class);
        assertEquals(1, tests.failed().count(), tests.toString());
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

    @WeComTest
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

    static class NoExtensionSampleTest {
        @Test
        void needsTheExtension(FakeWeCom wecom) {
            assertNotNull(wecom);
        }
    }
}
