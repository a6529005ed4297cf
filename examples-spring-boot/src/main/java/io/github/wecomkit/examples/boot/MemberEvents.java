package io.github.wecomkit.examples.boot;

import io.github.wecomkit.callback.SubscribeEvent;
import io.github.wecomkit.callback.UnsubscribeEvent;
import io.github.wecomkit.spring.WeComCallbackReceivedEvent;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Reacts to members entering and leaving the app's visible range, from the starter's callback endpoint. Quick on
 * purpose: WeCom retries a callback it has no answer for within five seconds.
 */
@Component
public class MemberEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MemberEvents.class);
    private static final int KEPT = 100;

    private final Deque<String> recent = new ConcurrentLinkedDeque<>();

    @EventListener
    void entered(WeComCallbackReceivedEvent<SubscribeEvent> event) {
        remember("+" + event.callbackEvent().fromUserName());
        LOG.info("member {} entered the app's visible range", event.callbackEvent().fromUserName());
    }

    @EventListener
    void left(WeComCallbackReceivedEvent<UnsubscribeEvent> event) {
        remember("-" + event.callbackEvent().fromUserName());
        LOG.info("member {} left the app's visible range", event.callbackEvent().fromUserName());
    }

    /** @return the latest changes, oldest first: {@code +userid} entered, {@code -userid} left */
    public List<String> recent() {
        return List.copyOf(recent);
    }

    private void remember(String change) {
        recent.addLast(change);
        while (recent.size() > KEPT) {
            recent.pollFirst();
        }
    }
}
