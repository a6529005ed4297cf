package io.github.wecomkit.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.wecomkit.callback.CallbackEvent;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.callback.SubscribeEvent;
import io.github.wecomkit.callback.UnsubscribeEvent;
import io.github.wecomkit.callback.WeComCallback;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FakeWeCom's callbacks, received by an endpoint built on the SDK's own {@link WeComCallback}. */
class CallbackSenderTest {
    private static final String TOKEN = "QDG6eK";
    private static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    private final List<CallbackEvent> received = new CopyOnWriteArrayList<>();
    private FakeWeCom wecom;
    private HttpServer endpoint;
    private String url;

    @BeforeEach
    void start() throws IOException {
        wecom = FakeWeCom.start();
        wecom.addCorp("wwcorpa", "secret-a");
        WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(AES_KEY).receiveIds("wwcorpa")
                .build();
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/wecom/callback", exchange -> answer(exchange, callback));
        endpoint.start();
        url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/wecom/callback";
    }

    @AfterEach
    void stop() {
        endpoint.stop(0);
        wecom.close();
    }

    private void answer(HttpExchange exchange, WeComCallback callback) throws IOException {
        try (exchange) {
            Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
            String reply;
            try {
                if ("GET".equals(exchange.getRequestMethod())) {
                    reply = callback.verifyUrl(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"),
                            q.get("echostr"));
                } else {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    received.add(callback.decrypt(q.get("msg_signature"), q.get("timestamp"), q.get("nonce"), body));
                    reply = "";
                }
            } catch (CallbackException e) {
                byte[] bytes = e.reason().name().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(400, bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Test
    void verifyUrl_passes_whenTheEndpointEchoesTheDecryptedString() {
        CallbackSender.UrlVerification v = wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpa").verifyUrl();
        assertEquals(200, v.status());
        assertEquals(v.expectedEcho(), v.body());
        assertTrue(v.passed());
    }

    @Test
    void verifyUrl_fails_whenTheEndpointHasAnotherToken() {
        CallbackSender.UrlVerification v = wecom.callbackSender(url, "OtherToken", AES_KEY, "wwcorpa").verifyUrl();
        assertEquals(400, v.status());
        assertEquals("BAD_SIGNATURE", v.body());
        assertFalse(v.passed());
    }

    @Test
    void sendSubscribe_deliversASubscribeEventForTheMember() {
        CallbackSender sender = wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpa");
        assertEquals(200, sender.sendSubscribe("zhangsan").status());
        assertEquals(200, sender.sendUnsubscribe("lisi").status());
        SubscribeEvent subscribe = assertInstanceOf(SubscribeEvent.class, received.get(0));
        assertEquals("wwcorpa", subscribe.toUserName());
        assertEquals("zhangsan", subscribe.fromUserName());
        assertEquals(wecom.corp("wwcorpa").app().agentId(), subscribe.agentId());
        assertEquals(wecom.clock().instant().getEpochSecond(), subscribe.createTime().getEpochSecond(), 5);
        assertEquals("lisi", assertInstanceOf(UnsubscribeEvent.class, received.get(1)).fromUserName());
    }

    @Test
    void send_ofACorpTheEndpointDoesNotServe_isRejectedByItsReceiveIdCheck() {
        wecom.addCorp("wwcorpb", "secret-b");
        assertEquals("WRONG_RECEIVE_ID",
                wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpb").sendSubscribe("zhangsan").body());
        assertEquals(List.of(), received);
    }

    @Test
    void callbackSender_rejectsAnUnknownCorpOrABadKey() {
        assertThrows(IllegalArgumentException.class, () -> wecom.callbackSender(url, TOKEN, AES_KEY, "wwnobody"));
        assertThrows(IllegalArgumentException.class, () -> wecom.callbackSender(url, TOKEN, "short", "wwcorpa"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}
