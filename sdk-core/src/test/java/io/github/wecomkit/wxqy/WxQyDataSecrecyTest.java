package io.github.wecomkit.wxqy;

import static io.github.wecomkit.wxqy.WxQyVectors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;
import io.github.wecomkit.wxqy.WxQyDataException.Reason;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * No exception (message, causes, stack trace), no log line and no {@code toString()} shows the session key, the
 * ciphertext, the decrypted text, a mobile number or an email address, for a refusal of every reason.
 */
class WxQyDataSecrecyTest {
    private final WxQyData wxQy = decryptor();

    private static List<String> forbidden() {
        byte[] key = Base64.getDecoder().decode(SESSION_KEY);
        return List.of(SESSION_KEY, SESSION_KEY.substring(0, 12), WRONG_KEY, HexFormat.of().formatHex(key),
                new String(key, StandardCharsets.ISO_8859_1),
                V2_MOBILE, V3_MOBILE, V2_MOBILE.substring(0, 7), V4_EMAIL, "zhangsan@", V5_EMAIL,
                "\"email\"", "\"mobile\"", "\"corpid\"", "张三", V1_RAW_DATA,
                V1_ENCRYPTED.substring(0, 16), V2_ENCRYPTED.substring(0, 16), V4_ENCRYPTED.substring(0, 16),
                T_BAD_JSON.substring(0, 16), T_DUPLICATE.substring(0, 16));
    }

    private static void assertClean(String text) {
        for (String secret : forbidden()) {
            assertFalse(text.contains(secret), "leaked '" + secret + "' in: " + text);
        }
    }

    private List<Executable> failures() {
        WxQyData strict = wxQy.withMaxAge(Duration.ofSeconds(1));
        WxQyData late = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofSeconds(1))
                .clock(clockAt(WATERMARK_TIME.plusSeconds(60))).build();
        List<Executable> calls = new ArrayList<>();
        calls.add(() -> wxQy.email("c2hvcnQ=", V4_ENCRYPTED, V4_IV));                          // BAD_KEY
        calls.add(() -> wxQy.email(SESSION_KEY + " x", V4_ENCRYPTED, V4_IV));                  // BAD_KEY
        calls.add(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED, "c2hvcnQ="));                    // BAD_IV
        calls.add(() -> wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA, "00", V1_ENCRYPTED, V1_IV));
        calls.add(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED + "x", V4_IV));                  // BAD_CIPHERTEXT
        calls.add(() -> wxQy.email(WRONG_KEY, V4_ENCRYPTED, V4_IV));                          // BAD_CIPHERTEXT
        calls.add(() -> wxQy.email(SESSION_KEY, T_NOT_UTF8, T_NOT_UTF8_IV));                  // BAD_CIPHERTEXT
        calls.add(() -> wxQy.email(SESSION_KEY, T_BAD_JSON, T_BAD_JSON_IV));                  // BAD_JSON
        calls.add(() -> wxQy.email(SESSION_KEY, T_DUPLICATE, T_DUPLICATE_IV));                // BAD_JSON
        calls.add(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED, flip(V4_IV)));                   // BAD_JSON
        calls.add(() -> wxQy.email(SESSION_KEY, V2_ENCRYPTED, V2_IV));                        // MISSING_FIELD
        calls.add(() -> wxQy.mobile(SESSION_KEY, V4_ENCRYPTED, V4_IV));                       // MISSING_FIELD
        calls.add(() -> wxQy.mobile(SESSION_KEY, T_OTHER_APP_ID, T_OTHER_APP_ID_IV));          // APPID_MISMATCH
        calls.add(() -> late.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV));                       // TOO_OLD
        calls.add(() -> late.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA, V1_SIGNATURE, V1_ENCRYPTED, V1_IV));
        calls.add(() -> strict.email(SESSION_KEY, T_NO_WATERMARK, T_NO_WATERMARK_IV));         // MISSING_FIELD
        return calls;
    }

    private static String flip(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[0] ^= 1;
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void exceptions_forEveryReason_neverShowSecretsOrPlaintext() {
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        for (Executable call : failures()) {
            WxQyDataException e = assertThrows(WxQyDataException.class, call);
            seen.add(e.reason());
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertClean(trace.toString());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertClean(String.valueOf(t.getMessage()));
                assertClean(t.toString());
            }
        }
        assertEquals(EnumSet.allOf(Reason.class), seen);
    }

    @Test
    void argumentErrors_neverShowTheValue() {
        String longKey = SESSION_KEY.repeat(3);
        String longData = V4_ENCRYPTED.repeat(WxQyData.MAX_PAYLOAD_CHARS / V4_ENCRYPTED.length() + 1);

        assertClean(assertThrows(IllegalArgumentException.class,
                () -> wxQy.email(longKey, V4_ENCRYPTED, V4_IV)).getMessage());
        assertClean(assertThrows(IllegalArgumentException.class,
                () -> wxQy.email(SESSION_KEY, longData, V4_IV)).getMessage());
    }

    @Test
    void logLines_whileRefusingPayloads_neverShowSecretsOrPlaintext() {
        LogCapture.clear();

        List<Executable> calls = failures();
        for (Executable call : calls) {
            assertThrows(WxQyDataException.class, call);
        }

        List<LogCapture.Event> lines = LogCapture.events().stream()
                .filter(event -> event.logger().startsWith("io.github.wecomkit.wxqy")).toList();
        assertEquals(calls.size(), lines.size(), "each refusal is logged once at DEBUG: " + lines);
        for (LogCapture.Event line : lines) {
            assertClean(line.text());
            assertTrue(line.text().contains("reason="), line.text());
        }
    }

    @Test
    void results_toString_maskMobileAndEmail() {
        MobileInfo mobile = wxQy.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV);
        EmailInfo email = wxQy.email(SESSION_KEY, V4_ENCRYPTED, V4_IV);

        assertClean(mobile.toString());
        assertClean(email.toString());
        assertTrue(mobile.toString().contains("*******8000"), mobile.toString());
        assertTrue(email.toString().contains("***@example.com"), email.toString());
        assertTrue(mobile.toString().contains(APP_ID), mobile.toString());
        assertEquals("****", MobileInfo.mask("5678"));
        assertEquals("***", EmailInfo.mask("no-at-sign"));
    }

    @Test
    void decryptor_toString_showsOnlyTheConfiguration() {
        assertClean(wxQy.toString());
        assertClean(WxQyData.builder().toString());
    }
}
