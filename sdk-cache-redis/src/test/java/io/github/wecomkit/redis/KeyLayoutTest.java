package io.github.wecomkit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
    private final KeyLayout layout = new KeyLayout("wecomkit:");

    @Test
    void keys_wrapTheClientKeyInAHashTag() {
        String key = "access_token:wwcorp:0123456789abcdef";

        assertEquals("wecomkit:{access_token:wwcorp:0123456789abcdef}", layout.tokenKey(key));
        assertEquals("wecomkit:{access_token:wwcorp:0123456789abcdef}:lease", layout.leaseKey(key));
        assertEquals("wecomkit:{access_token:wwcorp:0123456789abcdef}:stored", layout.channel(key));
    }

    @Test
    void tokenAndLease_alwaysShareOneClusterSlot() {
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String key = "access_token:wwcorp" + i + ":" + Integer.toHexString(i * 7919);
            int slot = SlotHash.getSlot(layout.tokenKey(key));
            assertEquals(slot, SlotHash.getSlot(layout.leaseKey(key)), key);
            assertEquals(SlotHash.getSlot(key), slot, "the slot is the client key's own");
            slots.add(slot);
        }
        // Different apps still spread over the cluster instead of piling onto one node.
        assertTrue(slots.size() > 400, "distinct slots: " + slots.size());
    }

    @Test
    void braces_areRejected_becauseTheyWouldMoveTheHashTag() {
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey("a}b"));
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey("{a"));
        assertThrows(IllegalArgumentException.class, () -> new KeyLayout("app{1}:"));
    }

    @Test
    void blankOversizedOrControlCharacterKeys_areRejected() {
        assertThrows(NullPointerException.class, () -> layout.tokenKey(null));
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey(""));
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey("a b"));
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> layout.tokenKey("k".repeat(257)));
        assertEquals("wecomkit:{" + "k".repeat(256) + "}", layout.tokenKey("k".repeat(256)));
    }

    @Test
    void emptyPrefix_isAllowed() {
        assertEquals("{k}", new KeyLayout("").tokenKey("k"));
    }
}
