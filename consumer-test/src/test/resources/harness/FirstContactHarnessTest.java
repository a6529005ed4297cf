import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.error.InvalidCredentialException;
import io.github.wecomkit.error.WeComException;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.WeComTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Harness (not from the docs): the failures a newcomer meets first, as a newcomer sees them, in a printed stack
 * trace: what to do is named, the message is printed once, and no secret or code shows.
 */
@WeComTest
class FirstContactHarnessTest {
    FakeWeCom wecom;

    @BeforeEach
    void setUp() {
        wecom.addCorp("wwcorp", "the-right-secret").addMember("zhangsan", "张三");
    }

    private WeComClient.Builder client(String corpId, String secret) {
        return WeComClient.builder().corpId(corpId).secret(secret).baseUrl(wecom.baseUrl()).clock(wecom.clock());
    }

    @Test
    void theMiniProgramsAppIdAsCorpId() {
        try (WeComClient client = client("wx0123456789abcdef", "the-right-secret").build()) {
            String code = wecom.issueCode("wwcorp", "zhangsan");
            String printed = printed(assertThrows(InvalidCredentialException.class, () -> client.login(code)));
            assertTrue(printed.contains("My Company"), printed);
            assertFalse(printed.contains(code) || printed.contains("the-right-secret"), printed);
        }
    }

    @Test
    void aWrongSecret_printsItsMessageOnce() {
        try (WeComClient client = client("wwcorp", "the-contacts-secret").build()) {
            InvalidCredentialException e = assertThrows(InvalidCredentialException.class,
                    () -> client.getUser("zhangsan"));
            String printed = printed(e);
            assertEquals(1, printed.split("errcode=40001", -1).length - 1, printed);
            assertTrue(printed.contains("App Management"), printed);
            assertFalse(printed.contains("the-contacts-secret"), printed);
        }
    }

    @Test
    void weComUnreachable_isARetryableTransportFailure_withoutSecrets() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (WeComClient client = WeComClient.builder().corpId("wwcorp").secret("the-right-secret")
                .baseUrl("http://127.0.0.1:" + closedPort).build()) {
            WeComTransportException e = assertThrows(WeComTransportException.class, () -> client.getUser("zhangsan"));
            assertTrue(e.retryable());
            String printed = printed(e);
            assertTrue(printed.contains("gettoken"), printed);
            assertFalse(printed.contains("the-right-secret"), printed);
        }
    }

    private static String printed(WeComException e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
