package io.github.wecomkit.testkit;

import io.github.wecomkit.callback.EncryptedMessage;
import io.github.wecomkit.callback.WeComCallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends callbacks to a backend's callback URL the way WeCom does: the URL-verification GET with an encrypted
 * {@code echostr}, and event POSTs in WeCom's encrypted XML envelope, signed with the Token and encrypted with the
 * EncodingAESKey configured for that URL. Made by {@link FakeWeCom#callbackSender}; test your endpoint end to end.
 *
 * <pre>{@code
 * CallbackSender wecomCallbacks = wecom.callbackSender(backendUrl + "/wecom/callback", token, aesKey, "wwcorp");
 * assertTrue(wecomCallbacks.verifyUrl().passed());
 * assertEquals(200, wecomCallbacks.sendSubscribe("zhangsan").status());
 * }</pre>
 */
public final class CallbackSender {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI url;
    private final WeComCallback crypto;
    private final String corpId;
    private final String agentId;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;

    CallbackSender(URI url, WeComCallback crypto, String corpId, long agentId, Clock clock, Duration timeout) {
        this(url, crypto, corpId, Long.toString(agentId), clock, timeout);
    }

    /** A sender whose envelope names {@code toUserName} (a suite id for commands) and {@code agentId} ("" for none). */
    CallbackSender(URI url, WeComCallback crypto, String toUserName, String agentId, Clock clock, Duration timeout) {
        this.url = url;
        this.crypto = crypto;
        this.corpId = toUserName;
        this.agentId = agentId;
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * Sends the URL-verification GET WeCom sends when an admin saves the callback URL. The endpoint passes if it
     * answers 200 with exactly the decrypted echo string (no quotes, no newline).
     *
     * @return what the endpoint answered, and whether that passes
     * @throws UncheckedIOException if the endpoint cannot be reached or does not answer in time
     */
    public UrlVerification verifyUrl() {
        String echo = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE);
        EncryptedMessage m = crypto.encrypt(echo);
        URI get = withQuery("msg_signature=" + enc(m.msgSignature()) + "&timestamp=" + enc(m.timestamp())
                + "&nonce=" + enc(m.nonce()) + "&echostr=" + enc(m.encrypt()));
        HttpResponse<String> response = send(HttpRequest.newBuilder(get).timeout(timeout).GET().build());
        return new UrlVerification(response.statusCode(), response.body(), echo);
    }

    /**
     * Encrypts a plaintext callback message and POSTs it in WeCom's envelope.
     *
     * @param xml the decrypted message, e.g. {@code <xml><ToUserName>..</ToUserName><MsgType>event</MsgType>..</xml>}
     * @return the endpoint's answer; WeCom expects 200 within five seconds
     * @throws UncheckedIOException if the endpoint cannot be reached or does not answer in time
     */
    public CallbackResponse send(String xml) {
        Objects.requireNonNull(xml, "xml == null");
        EncryptedMessage m = crypto.encrypt(xml);
        String envelope = "<xml><ToUserName><![CDATA[" + corpId + "]]></ToUserName><AgentID><![CDATA[" + agentId
                + "]]></AgentID><Encrypt><![CDATA[" + m.encrypt() + "]]></Encrypt></xml>";
        URI post = withQuery("msg_signature=" + enc(m.msgSignature()) + "&timestamp=" + enc(m.timestamp())
                + "&nonce=" + enc(m.nonce()));
        HttpResponse<String> response = send(HttpRequest.newBuilder(post).timeout(timeout)
                .header("Content-Type", "text/xml; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build());
        return new CallbackResponse(response.statusCode(), response.body());
    }

    /**
     * Sends the event WeCom sends when a member enters the mini-program app's visible range.
     *
     * @param userId the member
     * @return the endpoint's answer
     */
    public CallbackResponse sendSubscribe(String userId) {
        return send(memberEvent("subscribe", userId));
    }

    /**
     * Sends the event WeCom sends when a member leaves the app's visible range or the corp.
     *
     * @param userId the member
     * @return the endpoint's answer
     */
    public CallbackResponse sendUnsubscribe(String userId) {
        return send(memberEvent("unsubscribe", userId));
    }

    private String memberEvent(String event, String userId) {
        Objects.requireNonNull(userId, "userId == null");
        return "<xml><ToUserName><![CDATA[" + corpId + "]]></ToUserName><FromUserName><![CDATA[" + userId
                + "]]></FromUserName><CreateTime>" + clock.instant().getEpochSecond() + "</CreateTime>"
                + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event><AgentID>"
                + agentId + "</AgentID></xml>";
    }

    private URI withQuery(String query) {
        String base = url.toString();
        return URI.create(base + (url.getRawQuery() == null ? "?" : "&") + query);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("callback to " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending a callback to " + url, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "CallbackSender{" + url + ", corpId=" + corpId + "}";
    }

    /**
     * An endpoint's answer to a callback POST.
     *
     * @param status the HTTP status
     * @param body   the body, empty for "received, no reply"
     */
    public record CallbackResponse(int status, String body) {
    }

    /**
     * An endpoint's answer to the URL-verification GET.
     *
     * @param status       the HTTP status
     * @param body         the body the endpoint sent
     * @param expectedEcho the decrypted echo string WeCom expects back
     */
    public record UrlVerification(int status, String body, String expectedEcho) {
        /** @return whether WeCom would accept the URL: status 200 and exactly the echo string as the body */
        public boolean passed() {
            return status == 200 && expectedEcho.equals(body);
        }
    }
}
