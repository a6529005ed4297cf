package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.WeComTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

@WeComTest
class LoginExampleTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return LoginExample.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutCredentials_logsInOnTheEmbeddedFake_andPrintsSessionAndMember() {
        assertEquals(0, run(Map.of()), err.toString(StandardCharsets.UTF_8));
        assertTrue(out().contains("FakeWeCom running at http://127.0.0.1:"), out());
        assertTrue(out().contains("session: LoginSession{corpId=" + LoginExample.DEMO_CORP_ID
                + ", userId=zhangsan, sessionKey=<redacted>}"), out());
        assertTrue(out().contains("member:  Member{userId=zhangsan, name=张三, department=[1, 2]"), out());
    }

    @Test
    void withCredentialsButNoCode_explainsWhatToSet() {
        assertEquals(2, run(Map.of("WECOM_CORP_ID", "wwcorp", "WECOM_SECRET", "s")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("WECOM_CODE"));
        assertEquals("", out());
    }

    @Test
    void withCredentials_logsInAgainstThatServer(FakeWeCom wecom) {
        wecom.addCorp("wwreal", "real-secret").addMember("lisi", "李四");
        String code = wecom.issueCode("wwreal", "lisi");
        int status = run(Map.of("WECOM_CORP_ID", "wwreal", "WECOM_SECRET", "real-secret", "WECOM_CODE", code,
                "WECOM_BASE_URL", wecom.baseUrl()));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(out().contains("userId=lisi, sessionKey=<redacted>"), out());
        assertTrue(out().contains("name=李四"), out());
        assertFalse(out().contains(code), "the code is never printed");
    }

    @Test
    void withAUsedCode_failsWithTheErrcode_butNoSecrets(FakeWeCom wecom) {
        wecom.addCorp("wwused", "used-secret").addMember("lisi", "李四");
        String code = wecom.issueCode("wwused", "lisi");
        Map<String, String> env = Map.of("WECOM_CORP_ID", "wwused", "WECOM_SECRET", "used-secret",
                "WECOM_CODE", code, "WECOM_BASE_URL", wecom.baseUrl());
        assertEquals(0, run(env));
        assertEquals(1, run(env));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(errors.contains("errcode=40029"), errors);
        assertFalse(errors.contains(code) || errors.contains("used-secret"), errors);
    }
}
