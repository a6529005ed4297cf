package io.github.wecomkit.spring.internal;

import io.github.wecomkit.callback.CallbackDeduplicator;
import io.github.wecomkit.callback.CallbackEvent;
import io.github.wecomkit.callback.CallbackException;
import io.github.wecomkit.callback.WeComCallback;
import io.github.wecomkit.observe.CallbackOutcomeEvent;
import io.github.wecomkit.observe.WeComListener;
import io.github.wecomkit.spring.WeComCallbackReceivedEvent;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What the callback endpoint does, whatever the web stack: verify the URL, decrypt an event, drop WeCom's retries
 * of one already handled, publish it, and choose the answer. Rejections answer a bare status, never the reason.
 */
public final class CallbackEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackEndpoint.class);

    /** More than any callback WeCom sends; WeComCallback applies its own, smaller limit to what is read. */
    public static final int MAX_READ_BYTES = 1024 * 1024;

    /**
     * An HTTP answer.
     *
     * @param status the status
     * @param body   the plain-text body, empty for none
     */
    public record Reply(int status, String body) {
    }

    private static final Reply RECEIVED = new Reply(200, "");

    private final WeComCallback callback;
    private final CallbackDeduplicator seen;
    private final ApplicationEventPublisher publisher;
    private final WeComListener listener;

    /**
     * @param callback  verifies and decrypts
     * @param seen      remembers the callbacks handled
     * @param publisher publishes each new one
     * @param listener  hears every outcome (the metrics)
     */
    public CallbackEndpoint(WeComCallback callback, CallbackDeduplicator seen, ApplicationEventPublisher publisher,
                            WeComListener listener) {
        this.callback = Objects.requireNonNull(callback, "callback == null");
        this.seen = Objects.requireNonNull(seen, "seen == null");
        this.publisher = Objects.requireNonNull(publisher, "publisher == null");
        this.listener = Objects.requireNonNull(listener, "listener == null");
    }

    /** The GET WeCom sends when an admin saves the callback URL: answer the decrypted echo string, nothing else. */
    public Reply verify(String msgSignature, String timestamp, String nonce, String echostr) {
        try {
            String echo = callback.verifyUrl(msgSignature, timestamp, nonce, echostr);
            outcome(true, "url_verification", null);
            return new Reply(200, echo);
        } catch (CallbackException e) {
            return rejected("url_verification", e);
        }
    }

    /** A POSTed event: published once, answered 200 with an empty body. */
    public Reply receive(String msgSignature, String timestamp, String nonce, String body) {
        CallbackEvent event;
        try {
            event = callback.decrypt(msgSignature, timestamp, nonce, body);
        } catch (CallbackException e) {
            return rejected("event", e);
        }
        if (!seen.firstSeen(event)) {
            outcome(true, "duplicate", null);
            return RECEIVED;
        }
        try {
            publisher.publishEvent(new WeComCallbackReceivedEvent<>(this, event));
        } catch (RuntimeException e) {
            // Forgotten, so that WeCom's retry (it retries a callback answered with an error) is handled again.
            seen.forget(event);
            LOG.warn("a WeComCallbackReceivedEvent listener failed; answering 500 so that WeCom retries", e);
            outcome(false, "event", "LISTENER_FAILED");
            return new Reply(500, "");
        }
        outcome(true, "event", null);
        return RECEIVED;
    }

    /** A body over {@link #MAX_READ_BYTES}: refused before it is read whole. */
    public Reply tooLarge() {
        outcome(false, "event", CallbackException.Reason.BODY_TOO_LARGE.name());
        return new Reply(413, "");
    }

    private Reply rejected(String kind, CallbackException e) {
        LOG.warn("WeCom callback rejected: kind={}, reason={}", kind, e.reason());
        outcome(false, kind, e.reason().name());
        return new Reply(status(e.reason()), "");
    }

    /** Forged or misaddressed requests are forbidden; broken ones are bad requests. */
    static int status(CallbackException.Reason reason) {
        switch (reason) {
            case BAD_SIGNATURE:
            case WRONG_RECEIVE_ID:
            case STALE_TIMESTAMP:
                return 403;
            case BODY_TOO_LARGE:
                return 413;
            default:
                return 400;
        }
    }

    private void outcome(boolean accepted, String kind, String reason) {
        Listeners.callback(listener, new CallbackOutcomeEvent(accepted, kind, reason));
    }

    @Override
    public String toString() {
        return "CallbackEndpoint{" + callback + "}";
    }
}
