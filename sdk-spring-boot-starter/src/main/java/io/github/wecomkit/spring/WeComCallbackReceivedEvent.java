package io.github.wecomkit.spring;

import io.github.wecomkit.callback.CallbackEvent;
import java.util.Objects;
import org.springframework.context.ApplicationEvent;
import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;

/**
 * A callback WeCom posted to the starter's callback endpoint, verified and decrypted, published once per callback
 * (WeCom's retries of one already handled are dropped). Listen for the type you care about:
 *
 * <pre>{@code
 * @EventListener
 * void onSubscribe(WeComCallbackReceivedEvent<SubscribeEvent> event) {
 *     members.activate(event.callbackEvent().fromUserName());
 * }
 * }</pre>
 *
 * <p>Listeners run on the request's thread before WeCom gets its answer, and WeCom retries a callback it has not
 * had an answer for within five seconds: keep them quick, or hand slow work on ({@code @Async}, a queue). A
 * listener that throws makes the endpoint answer 500 and forget the callback, so WeCom's retry is handled again.
 *
 * @param <E> the type of the callback
 */
public final class WeComCallbackReceivedEvent<E extends CallbackEvent> extends ApplicationEvent
        implements ResolvableTypeProvider {
    private static final long serialVersionUID = 1L;

    private final transient E callbackEvent;

    /**
     * @param source        the endpoint that received it
     * @param callbackEvent the decrypted callback
     */
    public WeComCallbackReceivedEvent(Object source, E callbackEvent) {
        super(source);
        this.callbackEvent = Objects.requireNonNull(callbackEvent, "callbackEvent == null");
    }

    /** @return the decrypted callback: a {@code SubscribeEvent}, an {@code OtherEvent}, ... */
    public E callbackEvent() {
        return callbackEvent;
    }

    /** Lets {@code @EventListener} methods select by the callback's type. */
    @Override
    public ResolvableType getResolvableType() {
        return ResolvableType.forClassWithGenerics(getClass(), ResolvableType.forInstance(callbackEvent));
    }

    /** Field names and identifiers only, as the callback's own {@code toString()}. */
    @Override
    public String toString() {
        return "WeComCallbackReceivedEvent[" + callbackEvent + "]";
    }
}
