package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class WeComCallbackBuilderTest {
    private static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    private static WeComCallback.Builder valid() {
        return WeComCallback.builder().token("token1").encodingAesKey(KEY).receiveIds("wwcorp");
    }

    @Test
    void build_whenEncodingAesKeyIsNot43LettersOrDigits_throwsIllegalArgumentWithoutShowingIt() {
        String[] badKeys = {
            KEY.substring(1),                      // 42
            KEY + "H",                             // 44
            KEY.substring(1) + "=",                // Base64 padding pasted along
            KEY.substring(1) + "+",                // Base64 alphabet, not WeCom's
            KEY.substring(1) + "/",
            KEY.substring(1) + "é",                // a letter, but not ASCII
            " " + KEY.substring(1),                // whitespace copied from the console
            "",
        };
        for (String bad : badKeys) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> valid().encodingAesKey(bad).build(), bad);
            assertTrue(e.getMessage().contains("encodingAesKey must be exactly 43 letters or digits"), e.getMessage());
            assertTrue(e.getMessage().contains("got " + bad.length() + " characters"), e.getMessage());
            if (!bad.isEmpty()) {
                assertFalse(e.getMessage().contains(bad.substring(0, Math.min(bad.length(), 8))), e.getMessage());
            }
        }
    }

    @Test
    void build_whenTokenIsNotUpTo32LettersOrDigits_throwsIllegalArgumentWithoutShowingIt() {
        for (String bad : new String[] {"", "a".repeat(33), "tok-en", "tok en", "令牌"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> valid().token(bad).build(), bad);
            assertTrue(e.getMessage().startsWith("token must be 1 to 32 letters or digits"), e.getMessage());
            if (bad.length() > 1) {
                assertFalse(e.getMessage().contains(bad), e.getMessage());
            }
        }
        valid().token("a".repeat(32)).build();
    }

    @Test
    void build_whenRequiredOptionMissing_throwsIllegalStateNamingIt() {
        assertEquals("token is required", assertThrows(IllegalStateException.class,
                () -> WeComCallback.builder().encodingAesKey(KEY).receiveIds("ww").build()).getMessage());
        assertEquals("encodingAesKey is required", assertThrows(IllegalStateException.class,
                () -> WeComCallback.builder().token("t").receiveIds("ww").build()).getMessage());
        assertTrue(assertThrows(IllegalStateException.class,
                () -> WeComCallback.builder().token("t").encodingAesKey(KEY).build()).getMessage()
                .startsWith("receiveIds is required"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> valid().receiveIds(List.of()).build()).getMessage().startsWith("receiveIds is required"));
    }

    @Test
    void builder_nullArguments_throwNullPointerNamingThem() {
        assertEquals("token == null",
                assertThrows(NullPointerException.class, () -> WeComCallback.builder().token(null)).getMessage());
        assertEquals("receive id == null", assertThrows(NullPointerException.class,
                () -> WeComCallback.builder().receiveIds("a", (String) null)).getMessage());
        assertEquals("clock == null",
                assertThrows(NullPointerException.class, () -> WeComCallback.builder().clock(null)).getMessage());
        assertEquals("xml == null", assertThrows(NullPointerException.class, () -> valid().build().encrypt(null))
                .getMessage());
    }

    @Test
    void build_whenLimitsNotPositive_throwsIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> valid().maxBodyBytes(0).build());
        assertThrows(IllegalArgumentException.class, () -> valid().timestampTolerance(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class,
                () -> valid().timestampTolerance(Duration.ofSeconds(-1)).build());
    }

    @Test
    void receiveIds_keepOrderDropDuplicatesAndReplaceEarlierCalls() {
        WeComCallback callback = valid().receiveIds("old").receiveIds("wwsuite", "wwprovider", "wwsuite", "").build();

        assertEquals(List.of("wwsuite", "wwprovider", ""), callback.receiveIds());
    }
}
