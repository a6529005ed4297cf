package io.github.wecomkit.message;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.internal.ApiCaller.Resend;
import io.github.wecomkit.internal.Internals;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages from a client's app ({@code message/send}); reached with {@code client.messages()}.
 * Thread-safe; shares the client's token and connections.
 *
 * <pre>{@code
 * SendResult result = client.messages().send(MiniProgramNotice.builder()
 *         .appId("wx0123456789abcdef").page("pages/order/detail?id=42")
 *         .title("订单已发货").contentItem("订单号", "42").toUsers("zhangsan")
 *         .build());
 * }</pre>
 *
 * <p><b>Sent at most once.</b> A message has an effect (members see it), so a send that may have reached WeCom is
 * never repeated by wecomkit: after a reset or a timeout once the request was written, {@code send} fails with a
 * {@link io.github.wecomkit.error.WeComTransportException} whose {@code mayHaveReachedWeCom()} is {@code true}, and
 * the notice may or may not have been delivered. Only failures that cannot have reached WeCom (no connection)
 * and errcode -1 (WeCom busy, nothing sent) are retried. A notice that enables WeCom's duplicate check
 * ({@link MiniProgramNotice.Builder#enableDuplicateCheck(boolean)}) is the exception: WeCom drops a repeat within
 * its interval, so wecomkit re-sends it after any transport failure, like a read, as long as the interval
 * outlasts wecomkit's retries ({@code RetryPolicy.maxElapsed()}).
 */
public final class Messages {
    static final String API_MESSAGE_SEND = "message/send";
    private static final String[] NO_SECRETS = {};
    private static final ObjectReader SEND_READER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readerFor(SendReply.class);

    static {
        Internals.area(Messages.class, Messages::new);
    }

    private final Internals.AreaContext client;

    private Messages(Internals.AreaContext client) {
        this.client = client;
    }

    /**
     * Sends a mini-program notice.
     *
     * @param notice the notice, checked against WeCom's limits when it was built
     * @return the message id and the recipients WeCom could not reach (partly invalid recipients still send)
     * @throws NullPointerException if {@code notice} is null
     * @throws io.github.wecomkit.error.ApiForbiddenException      the app is not bound to a mini-program, or may
     *                                                             not send messages (48002): a configuration error
     * @throws io.github.wecomkit.error.NoValidRecipientException  no recipient was valid (81013): nothing was sent
     * @throws io.github.wecomkit.error.RateLimitedException       a frequency limit (45009, 45033); not retried
     * @throws io.github.wecomkit.error.WeComApiException          any other errcode
     * @throws io.github.wecomkit.error.WeComTransportException    no answer; if {@code mayHaveReachedWeCom()},
     *                                                             the notice may have been delivered: do not send it
     *                                                             again blindly
     */
    public SendResult send(MiniProgramNotice notice) {
        Objects.requireNonNull(notice, "notice == null");
        client.open().run();
        SendReply reply = client.api().post(API_MESSAGE_SEND, resend(notice), SEND_READER, notice.toJson(),
                NO_SECRETS);
        return new SendResult(reply);
    }

    /**
     * {@link #send(MiniProgramNotice)} without blocking: the same checks, the same at-most-once rule, on the
     * client's async executor (see {@link io.github.wecomkit.AsyncWeComClient} for where calls run, failures and
     * cancellation). A cancel never makes a notice go out twice: a send still waiting for its token or a connection
     * is never sent, and one on the wire is not retried.
     *
     * @param notice the notice
     * @return a future of the result; it fails with the exceptions {@link #send(MiniProgramNotice)} throws, or
     *     {@link io.github.wecomkit.error.ClientBusyException} if the async executor refuses the call
     * @throws NullPointerException  if {@code notice} is null
     * @throws IllegalStateException if the client is closed
     */
    public CompletableFuture<SendResult> sendAsync(MiniProgramNotice notice) {
        Objects.requireNonNull(notice, "notice == null");
        client.open().run();
        return client.api().postAsync(API_MESSAGE_SEND, resend(notice), SEND_READER, notice.toJson(), NO_SECRETS,
                SendResult::new);
    }

    /**
     * With WeCom's duplicate check, a copy that arrives within the interval is dropped by WeCom, so sending it
     * again is safe, provided every retry falls inside the interval.
     */
    private Resend resend(MiniProgramNotice notice) {
        Duration window = notice.duplicateCheckInterval().orElse(Duration.ZERO);
        Duration retries = client.api().caller().retryPolicy().maxElapsed();
        return window.compareTo(retries) > 0 ? Resend.IDEMPOTENT : Resend.ONLY_IF_NOT_SENT;
    }

    @Override
    public String toString() {
        return "Messages{corpId=" + client.corpId() + "}";
    }
}
