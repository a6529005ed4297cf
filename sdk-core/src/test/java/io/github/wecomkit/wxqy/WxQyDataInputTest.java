package io.github.wecomkit.wxqy;

import static io.github.wecomkit.wxqy.WxQyVectors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

/**
 * Arguments are checked before any decoding: null is a {@link NullPointerException} naming the argument, blank or
 * oversized an {@link IllegalArgumentException} naming it and never showing the value.
 */
class WxQyDataInputTest {
    private static final String[] USER_INFO_ARGS = {"sessionKey", "rawData", "signature", "encryptedData", "iv"};
    private static final String[] DATA_ARGS = {"sessionKey", "encryptedData", "iv"};

    private final WxQyData wxQy = decryptor();

    /** A call with its arguments; each test swaps one for a bad value. */
    private record Call(String method, String[] names, String[] valid, Consumer<String[]> invoke) {
    }

    private List<Call> calls() {
        return List.of(
                new Call("enterpriseUserInfo", USER_INFO_ARGS,
                        new String[] {SESSION_KEY, V1_RAW_DATA, V1_SIGNATURE, V1_ENCRYPTED, V1_IV},
                        a -> wxQy.enterpriseUserInfo(a[0], a[1], a[2], a[3], a[4])),
                new Call("mobile", DATA_ARGS, new String[] {SESSION_KEY, V2_ENCRYPTED, V2_IV},
                        a -> wxQy.mobile(a[0], a[1], a[2])),
                new Call("email", DATA_ARGS, new String[] {SESSION_KEY, V4_ENCRYPTED, V4_IV},
                        a -> wxQy.email(a[0], a[1], a[2])));
    }

    private static String[] with(Call call, int index, String value) {
        String[] args = Arrays.copyOf(call.valid(), call.valid().length);
        args[index] = value;
        return args;
    }

    @Test
    void validArguments_decrypt() {
        for (Call call : calls()) {
            call.invoke().accept(call.valid());
        }
    }

    @Test
    void nullArgument_isNullPointerException_namingIt() {
        for (Call call : calls()) {
            for (int i = 0; i < call.names().length; i++) {
                String[] args = with(call, i, null);
                NullPointerException e = assertThrows(NullPointerException.class, () -> call.invoke().accept(args),
                        call.method() + " " + call.names()[i]);
                assertEquals(call.names()[i] + " == null", e.getMessage());
            }
        }
    }

    @Test
    void blankArgument_isIllegalArgumentException_namingIt() {
        for (Call call : calls()) {
            for (int i = 0; i < call.names().length; i++) {
                String[] args = with(call, i, " \t ");
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> call.invoke().accept(args), call.method() + " " + call.names()[i]);
                assertEquals(call.names()[i] + " is blank", e.getMessage());
            }
        }
    }

    @Test
    void oversizedArgument_isIllegalArgumentException_namingItWithoutTheValue() {
        for (Call call : calls()) {
            for (int i = 0; i < call.names().length; i++) {
                String name = call.names()[i];
                int limit = name.equals("rawData") || name.equals("encryptedData") ? WxQyData.MAX_PAYLOAD_CHARS : 64;
                String value = "Q".repeat(limit) + "SECRETVALUE";
                String[] args = with(call, i, value);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> call.invoke().accept(args), call.method() + " " + name);
                assertTrue(e.getMessage().startsWith(name + " is too long"), e.getMessage());
                assertFalse(e.getMessage().contains("SECRETVALUE") || e.getMessage().contains("QQQQ"), e.getMessage());
            }
        }
    }

    @Test
    void argumentsAtTheirLimit_reachTheDecryption() {
        String longest = "A".repeat(WxQyData.MAX_PAYLOAD_CHARS); // Base64 of zero bytes, a whole number of blocks

        WxQyDataException e = assertThrows(WxQyDataException.class, () -> wxQy.email(SESSION_KEY, longest, V4_IV));

        assertEquals(WxQyDataException.Reason.BAD_CIPHERTEXT, e.reason());
    }

    @Test
    void argumentChecks_comeBeforeAnyDecoding() {
        // A bad key would be BAD_KEY; the missing iv is reported first.
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> wxQy.mobile("not base64", V2_ENCRYPTED, null));

        assertEquals("iv == null", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> wxQy.enterpriseUserInfo("not base64", V1_RAW_DATA,
                "bad", "x".repeat(WxQyData.MAX_PAYLOAD_CHARS + 1), V1_IV));
    }

    @Test
    void builder_withoutAppId_isIllegalStateException_namingTheOption() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WxQyData.builder().build());

        assertTrue(e.getMessage().contains("appId(..)"), e.getMessage());
    }

    @Test
    void builder_corpIdAsAppId_isRefusedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WxQyData.builder().appId(CORP_ID));

        assertTrue(e.getMessage().contains("corp id"), e.getMessage());
        assertFalse(e.getMessage().contains(CORP_ID), e.getMessage());
    }

    @Test
    void builder_appIdOfAnotherShape_isRefusedWithoutTheValue() {
        List<String> bad = new ArrayList<>(List.of("", "wx", "wx12", "wx0123456789abcdef ", "app-wx0123456789",
                "wx" + "a".repeat(33), "wx0123456789abcde\n"));
        for (String appId : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WxQyData.builder().appId(appId), appId);
            assertTrue(e.getMessage().startsWith("appId"), e.getMessage());
            assertTrue(appId.length() < 3 || !e.getMessage().contains(appId), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> WxQyData.builder().appId(null));
    }

    @Test
    void maxAge_mustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> WxQyData.builder().maxAge(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> WxQyData.builder().maxAge(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> WxQyData.builder().maxAge(null));
        assertThrows(IllegalArgumentException.class, () -> wxQy.withMaxAge(Duration.ZERO));
        assertThrows(NullPointerException.class, () -> WxQyData.builder().clock(null));
    }

    @Test
    void accessors_reportTheConfiguration() {
        WxQyData strict = wxQy.withMaxAge(Duration.ofMinutes(5));

        assertEquals(APP_ID, wxQy.appId());
        assertEquals(Optional.empty(), wxQy.maxAge());
        assertEquals(Optional.of(Duration.ofMinutes(5)), strict.maxAge());
        assertEquals(APP_ID, strict.appId());
        assertEquals("WxQyData[appId=" + APP_ID + ", maxAge=PT5M]", strict.toString());
    }
}
