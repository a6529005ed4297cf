package io.github.wecomkit.callback;

import io.github.wecomkit.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CallbackDeduplicatorTest {
    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_700_006_000L));
    private final CallbackDeduplicator seen = CallbackDeduplicator.builder().clock(clock)
            .window(Duration.ofMinutes(5)).build();

    private static Map<String, String> fields(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static SubscribeEvent subscribe(String user, long createTime) {
        return new SubscribeEvent("wwc", user, Instant.ofEpochSecond(createTime), 1, fields("ToUserName", "wwc",
                "FromUserName", user, "CreateTime", Long.toString(createTime), "MsgType", "event",
                "Event", "subscribe", "AgentID", "1"));
    }

    @Test
    void firstSeen_whenWeComRetriesSameEvent_returnsFalseForTheRetry() {
        WeComCallback callback = WeComCallback.builder().token("dedup")
                .encodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").receiveIds("wwc")
                .random(new Random(1)).build();
        String xml = "<xml><ToUserName>wwc</ToUserName><FromUserName>u1</FromUserName><CreateTime>1700006000"
                + "</CreateTime><MsgType>event</MsgType><Event>subscribe</Event><AgentID>1</AgentID></xml>";
        // A retry is encrypted afresh (new random bytes, nonce), yet decrypts to the same event.
        EncryptedMessage first = callback.encrypt(xml);
        EncryptedMessage retry = callback.encrypt(xml);
        assertNotEquals(first.encrypt(), retry.encrypt());

        assertTrue(seen.firstSeen(callback.decrypt(first.msgSignature(), first.timestamp(), first.nonce(),
                first.toXml())));
        assertFalse(seen.firstSeen(callback.decrypt(retry.msgSignature(), retry.timestamp(), retry.nonce(),
                retry.toXml())));
    }

    @Test
    void firstSeen_afterWindowPasses_returnsTrueAgain() {
        assertTrue(seen.firstSeen(subscribe("u1", 1)));
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertFalse(seen.firstSeen(subscribe("u1", 1)));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(seen.firstSeen(subscribe("u1", 1)));
    }

    @Test
    void forget_afterFailedHandling_letsTheRetryThrough() {
        SubscribeEvent event = subscribe("u1", 1);
        assertTrue(seen.firstSeen(event));

        seen.forget(event);

        assertTrue(seen.firstSeen(event));
        assertFalse(seen.firstSeen(event));
    }

    @Test
    void keyOf_prefersMsgId() {
        OtherEvent a = new OtherEvent(fields("MsgId", " 1234567890 ", "FromUserName", "u1", "CreateTime", "1"));
        OtherEvent b = new OtherEvent(fields("MsgId", "1234567890", "FromUserName", "u2", "CreateTime", "2"));

        assertEquals("MsgId:1234567890", CallbackDeduplicator.keyOf(a));
        assertEquals(CallbackDeduplicator.keyOf(a), CallbackDeduplicator.keyOf(b));
    }

    @Test
    void keyOf_eventsUseUserAndCreateTime_andKeepSubscribeApartFromUnsubscribe() {
        SubscribeEvent subscribe = subscribe("u1", 1_700_006_000L);
        UnsubscribeEvent unsubscribe = new UnsubscribeEvent("wwc", "u1", subscribe.createTime(), 1,
                fields("FromUserName", "u1", "CreateTime", "1700006000", "MsgType", "event", "Event", "unsubscribe"));

        assertEquals("Event:u1|1700006000|event|subscribe", CallbackDeduplicator.keyOf(subscribe));
        assertTrue(seen.firstSeen(subscribe));
        assertTrue(seen.firstSeen(unsubscribe));
        assertTrue(seen.firstSeen(subscribe("u2", 1_700_006_000L)));
        assertTrue(seen.firstSeen(subscribe("u1", 1_700_006_001L)));
        assertFalse(seen.firstSeen(subscribe("u1", 1_700_006_000L)));
    }

    @Test
    void keyOf_suiteCommands_digestAllFieldsWithoutExposingTheTicket() {
        SuiteTicketEvent t1 = new SuiteTicketEvent("wws", "ticket-1", Instant.ofEpochSecond(1),
                fields("SuiteId", "wws", "InfoType", "suite_ticket", "TimeStamp", "1", "SuiteTicket", "ticket-1"));
        SuiteTicketEvent t2 = new SuiteTicketEvent("wws", "ticket-2", Instant.ofEpochSecond(1),
                fields("SuiteId", "wws", "InfoType", "suite_ticket", "TimeStamp", "1", "SuiteTicket", "ticket-2"));
        SuiteTicketEvent t1Again = new SuiteTicketEvent("wws", "ticket-1", Instant.ofEpochSecond(1),
                fields("SuiteId", "wws", "InfoType", "suite_ticket", "TimeStamp", "1", "SuiteTicket", "ticket-1"));

        String key = CallbackDeduplicator.keyOf(t1);

        assertTrue(key.startsWith("Fields:") && key.length() == "Fields:".length() + 64, key);
        assertFalse(key.contains("ticket-1"));
        assertNotEquals(key, CallbackDeduplicator.keyOf(t2));
        assertEquals(key, CallbackDeduplicator.keyOf(t1Again));
        assertNotEquals(CallbackDeduplicator.keyOf(new OtherEvent(fields("ab", "c"))),
                CallbackDeduplicator.keyOf(new OtherEvent(fields("a", "bc"))));
    }

    @Test
    void firstSeen_withConcurrentDeliveriesOfOneEvent_acceptsExactlyOne() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return seen.firstSeen(subscribe("race", 1));
                }));
            }
            int accepted = 0;
            for (Future<Boolean> result : results) {
                accepted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void builder_rejectsNonPositiveWindowAndSize() {
        assertThrows(IllegalArgumentException.class, () -> CallbackDeduplicator.builder().window(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> CallbackDeduplicator.builder().maximumSize(0).build());
        assertThrows(NullPointerException.class, () -> seen.firstSeen((String) null));
    }

    @Test
    void create_usesDefaults() {
        CallbackDeduplicator defaults = CallbackDeduplicator.create();

        assertTrue(defaults.firstSeen("k"));
        assertFalse(defaults.firstSeen("k"));
        assertEquals(Duration.ofMinutes(5), CallbackDeduplicator.DEFAULT_WINDOW);
    }
}
