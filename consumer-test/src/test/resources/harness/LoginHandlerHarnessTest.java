import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.testkit.FakeApi;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.WeComTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Harness (not from the docs): docs/errors.md's LoginHandler answers each failure with the status it says. */
@WeComTest
class LoginHandlerHarnessTest {
    FakeWeCom wecom;
    WeComClient client;
    LoginHandler handler;

    @BeforeEach
    void setUp() {
        wecom.addCorp("wwcorp", "secret").addMember("zhangsan", "张三");
        wecom.addCorp("wwother", "other-secret").addMember("lisi", "李四");
        client = client("secret");
        handler = new LoginHandler(client);
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private WeComClient client(String secret) {
        return WeComClient.builder().corpId("wwcorp").secret(secret).baseUrl(wecom.baseUrl()).clock(wecom.clock())
                .build();
    }

    @Test
    void aGoodCode_is200() {
        assertEquals(new LoginHandler.Reply(200, "welcome, 张三"), handler.login(wecom.issueCode("wwcorp", "zhangsan")));
    }

    @Test
    void aMissingOrMalformedCode_is400_namingTheArgument_notItsValue() {
        assertEquals(400, handler.login(null).status());
        LoginHandler.Reply blank = handler.login("   ");
        assertEquals(new LoginHandler.Reply(400, "code is blank"), blank);
        LoginHandler.Reply control = handler.login("SECRETISH\r\nX-Injected: 1");
        assertEquals(400, control.status());
        assertFalse(control.message().contains("SECRETISH"), control.message());
        assertEquals(0, wecom.calls(FakeApi.GET_TOKEN) + wecom.calls(FakeApi.JSCODE2SESSION), "nothing was sent");
    }

    @Test
    void aUsedCode_is401() {
        String code = wecom.issueCode("wwcorp", "zhangsan");
        handler.login(code);
        assertEquals(401, handler.login(code).status());
    }

    @Test
    void aMemberOutsideTheVisibleRange_is403() {
        wecom.corp("wwcorp").app().hideMembers("zhangsan");
        assertEquals(403, handler.login(wecom.issueCode("wwcorp", "zhangsan")).status());
    }

    @Test
    void aMemberOfAnotherCorp_is409_namingIt() {
        assertEquals(new LoginHandler.Reply(409, "log in again in corp wwother"),
                handler.login(wecom.issueCode("wwother", "lisi")));
    }

    @Test
    void weComBusyOrUnreachable_is503() {
        wecom.failNext(FakeApi.JSCODE2SESSION, 4, -1);   // more than the client's 3 retries
        assertEquals(503, handler.login(wecom.issueCode("wwcorp", "zhangsan")).status());
        wecom.respondNext(FakeApi.JSCODE2SESSION, 1, 502, "<html>Bad Gateway</html>");
        assertEquals(503, handler.login(wecom.issueCode("wwcorp", "zhangsan")).status());
    }

    @Test
    void aWrongSecret_is500() {
        try (WeComClient wrong = client("not-the-secret")) {
            assertEquals(500, new LoginHandler(wrong).login(wecom.issueCode("wwcorp", "zhangsan")).status());
        }
    }
}
