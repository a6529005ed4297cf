package io.github.wecomkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.WeComClient;
import io.github.wecomkit.callback.SubscribeEvent;
import io.github.wecomkit.callback.UnsubscribeEvent;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.corp.WeComCorps;
import io.github.wecomkit.testkit.CallbackSender;
import io.github.wecomkit.testkit.FakeWeCom;
import io.github.wecomkit.testkit.WeComTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example backend's callback endpoint, driven end to end by FakeWeCom's signed, encrypted callbacks. */
@WeComTest
class LoginBackendCallbackTest {
    private static final String TOKEN = LoginBackend.DEMO_CALLBACK_TOKEN;
    private static final String AES_KEY = LoginBackend.DEMO_CALLBACK_AES_KEY;

    private FakeWeCom wecom;
    private LoginBackend backend;
    private WeComCorps corps;
    private String url;

    @BeforeEach
    void start(FakeWeCom wecom) {
        this.wecom = wecom;                             // reset by @WeComTest before this method runs
        wecom.addCorp("wwcorpa", "secret-a").addMember("zhangsan", "张三");
        wecom.addCorp("wwcorpb", "secret-b");
        corps = WeComCorps.builder().corp("wwcorpa", "secret-a")
                .settings(WeComClient.builder().baseUrl(wecom.baseUrl())).build();
        WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(AES_KEY).receiveIds("wwcorpa")
                .build();
        backend = new LoginBackend(corps, SessionTokens.withRandomKey(), callback, 0);
        url = backend.baseUrl() + "/wecom/callback";
    }

    @AfterEach
    void stop() {
        backend.close();
        corps.close();
    }

    @Test
    void urlVerification_fromWeCom_passes() {
        CallbackSender.UrlVerification v = wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpa").verifyUrl();
        assertTrue(v.passed(), v.toString());
    }

    @Test
    void urlVerification_withAnotherToken_isRejected() {
        CallbackSender.UrlVerification v = wecom.callbackSender(url, "WrongToken1", AES_KEY, "wwcorpa").verifyUrl();
        assertEquals(400, v.status());
        assertFalse(v.passed());
        assertTrue(v.body().contains("BAD_SIGNATURE"), v.body());
    }

    @Test
    void events_areDecryptedAnsweredWithAnEmpty200_andKept() {
        CallbackSender sender = wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpa");
        CallbackSender.CallbackResponse subscribed = sender.sendSubscribe("zhangsan");
        assertEquals(200, subscribed.status());
        assertEquals("", subscribed.body());
        assertEquals(200, sender.sendUnsubscribe("zhangsan").status());
        assertEquals("zhangsan", assertInstanceOf(SubscribeEvent.class, backend.callbackEvents().get(0)).fromUserName());
        assertInstanceOf(UnsubscribeEvent.class, backend.callbackEvents().get(1));
    }

    @Test
    void events_forAnotherCorp_areRejectedAndNotKept() {
        CallbackSender.CallbackResponse r = wecom.callbackSender(url, TOKEN, AES_KEY, "wwcorpb").sendSubscribe("x");
        assertEquals(400, r.status());
        assertEquals(List.of(), backend.callbackEvents());
    }

    @Test
    void callbackEndpoint_withoutCallbackSettings_doesNotExist() throws Exception {
        try (LoginBackend plain = new LoginBackend(corps, SessionTokens.withRandomKey(), 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(plain.baseUrl() + "/wecom/callback")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode());
        }
    }
}
