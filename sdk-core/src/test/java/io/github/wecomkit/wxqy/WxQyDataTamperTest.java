package io.github.wecomkit.wxqy;

import static io.github.wecomkit.wxqy.WxQyVectors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.wxqy.WxQyDataException.Reason;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every way a payload can be wrong gives its own {@link Reason}. Where the outcome depends on what AES makes of
 * changed bytes (a flipped byte, a truncation, a wrong key), the expected reason is the one {@code wxqy_vectors.js}
 * printed after decrypting the same bytes with Node.
 */
class WxQyDataTamperTest {
    private final WxQyData wxQy = decryptor();

    private static Reason reasonOf(Executable call) {
        return assertThrows(WxQyDataException.class, call).reason();
    }

    private static String flip(String base64, int index) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        bytes[index < 0 ? bytes.length + index : index] ^= 0x01;
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String cut(String base64, int bytes) {
        byte[] all = Base64.getDecoder().decode(base64);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(all, all.length - bytes));
    }

    @Test
    void flippedLastCiphertextByte_isBadCiphertext() {
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(SESSION_KEY, flip(V4_ENCRYPTED, -1), V4_IV)));
    }

    @Test
    void flippedCiphertextByteInTheFirstBlock_isBadCiphertext() {
        // Node: the padding still holds, but the first block decrypts to bytes that are not UTF-8.
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(SESSION_KEY, flip(V4_ENCRYPTED, 3), V4_IV)));
    }

    @Test
    void flippedIvByte_changesTheFirstPlaintextByte_isBadJson() {
        assertEquals(Reason.BAD_JSON, reasonOf(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED, flip(V4_IV, 0))));
    }

    @Test
    void ciphertextWithoutItsLastBlock_isBadCiphertext() {
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(SESSION_KEY, cut(V4_ENCRYPTED, 16), V4_IV)));
    }

    @Test
    void ciphertextCutInsideABlock_isBadCiphertext() {
        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.email(SESSION_KEY, cut(V4_ENCRYPTED, 5), V4_IV));

        assertEquals(Reason.BAD_CIPHERTEXT, e.reason());
        assertTrue(e.getMessage().contains("107 bytes"), e.getMessage());
    }

    @Test
    void wrongSessionKey_isBadCiphertext() {
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(WRONG_KEY, V4_ENCRYPTED, V4_IV)));
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.mobile(WRONG_KEY, V2_ENCRYPTED, V2_IV)));
    }

    @Test
    void wrongSessionKey_forUserInfo_isBadSignatureBeforeAnyDecryption() {
        assertEquals(Reason.BAD_SIGNATURE, reasonOf(() -> wxQy.enterpriseUserInfo(WRONG_KEY, V1_RAW_DATA,
                V1_SIGNATURE, V1_ENCRYPTED, V1_IV)));
    }

    @Test
    void sessionKeyOfTheWrongLength_isBadKey() {
        String eightBytes = Base64.getEncoder().encodeToString(new byte[8]);
        String thirtyTwoBytes = Base64.getEncoder().encodeToString(new byte[32]);

        assertEquals(Reason.BAD_KEY, reasonOf(() -> wxQy.email(eightBytes, V4_ENCRYPTED, V4_IV)));
        assertEquals(Reason.BAD_KEY, reasonOf(() -> wxQy.email(thirtyTwoBytes, V4_ENCRYPTED, V4_IV)));
    }

    @Test
    void sessionKeyNotBase64_isBadKey() {
        assertEquals(Reason.BAD_KEY, reasonOf(() -> wxQy.email("not-base64!", V4_ENCRYPTED, V4_IV)));
    }

    @Test
    void ivOfTheWrongLength_isBadIv() {
        String twelveBytes = Base64.getEncoder().encodeToString(new byte[12]);
        String seventeenBytes = Base64.getEncoder().encodeToString(new byte[17]);

        assertEquals(Reason.BAD_IV, reasonOf(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED, twelveBytes)));
        assertEquals(Reason.BAD_IV, reasonOf(() -> wxQy.email(SESSION_KEY, V4_ENCRYPTED, seventeenBytes)));
    }

    @Test
    void ivNotBase64_isBadIv() {
        assertEquals(Reason.BAD_IV, reasonOf(() -> wxQy.mobile(SESSION_KEY, V2_ENCRYPTED, "ICEiIyQlJicoKSorLC0uLw=!")));
    }

    @Test
    void encryptedDataNotBase64_isBadCiphertext() {
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(SESSION_KEY, "%%%" + V4_ENCRYPTED, V4_IV)));
    }

    @Test
    void encryptedDataWithSpacesForPlus_isBadCiphertext_withAHintAboutUrlDecoding() {
        String urlDecodedTwice = V4_ENCRYPTED.replace('+', ' ');

        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.email(SESSION_KEY, urlDecodedTwice, V4_IV));

        assertEquals(Reason.BAD_CIPHERTEXT, e.reason());
        assertTrue(e.getMessage().contains("URL-decoded"), e.getMessage());
    }

    @Test
    void badSignature_isBadSignature() {
        String other = "0".repeat(40);

        assertEquals(Reason.BAD_SIGNATURE, reasonOf(() -> wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA, other,
                V1_ENCRYPTED, V1_IV)));
        assertEquals(Reason.BAD_SIGNATURE, reasonOf(() -> wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA,
                V1_SIGNATURE.substring(1), V1_ENCRYPTED, V1_IV)));
    }

    @Test
    void rawDataChanged_isBadSignature() {
        String changed = V1_RAW_DATA.replace("\"gender\":1", "\"gender\":2");

        assertEquals(Reason.BAD_SIGNATURE, reasonOf(() -> wxQy.enterpriseUserInfo(SESSION_KEY, changed, V1_SIGNATURE,
                V1_ENCRYPTED, V1_IV)));
    }

    @Test
    void rawDataChangedWithItsOwnSignature_passesTheSignature_soTheSignatureCoversOnlyRawData() {
        // The check is exactly sha1(rawData + session_key): the script's signature for the changed rawData passes.
        String changed = V1_RAW_DATA.replace("\"gender\":1", "\"gender\":2");

        EnterpriseUserInfo info = wxQy.enterpriseUserInfo(SESSION_KEY, changed, V1_CHANGED_RAW_DATA_SIGNATURE,
                V1_ENCRYPTED, V1_IV);

        assertEquals("zhangsan", info.userId());
    }

    @Test
    void wrongAppId_isAppIdMismatch_namingBothAppIds() {
        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.email(SESSION_KEY, T_OTHER_APP_ID, T_OTHER_APP_ID_IV));

        assertEquals(Reason.APPID_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(OTHER_APP_ID) && e.getMessage().contains(APP_ID), e.getMessage());
    }

    @Test
    void configuredForAnotherMiniProgram_everyVectorIsAppIdMismatch() {
        WxQyData other = WxQyData.builder().appId(OTHER_APP_ID).build();

        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> other.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA,
                V1_SIGNATURE, V1_ENCRYPTED, V1_IV)));
        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> other.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV)));
        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> other.email(SESSION_KEY, V4_ENCRYPTED, V4_IV)));
    }

    @Test
    void malformedJsonPlaintext_isBadJson() {
        assertEquals(Reason.BAD_JSON, reasonOf(() -> wxQy.email(SESSION_KEY, T_BAD_JSON, T_BAD_JSON_IV)));
    }

    @Test
    void jsonArrayPlaintext_isBadJson() {
        assertEquals(Reason.BAD_JSON, reasonOf(() -> wxQy.email(SESSION_KEY, T_NOT_OBJECT, T_NOT_OBJECT_IV)));
    }

    @Test
    void repeatedFieldInPlaintext_isBadJson() {
        assertEquals(Reason.BAD_JSON, reasonOf(() -> wxQy.email(SESSION_KEY, T_DUPLICATE, T_DUPLICATE_IV)));
    }

    @Test
    void plaintextNotUtf8_isBadCiphertext() {
        assertEquals(Reason.BAD_CIPHERTEXT, reasonOf(() -> wxQy.email(SESSION_KEY, T_NOT_UTF8, T_NOT_UTF8_IV)));
    }

    @Test
    void missingWatermark_isMissingField() {
        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.email(SESSION_KEY, T_NO_WATERMARK, T_NO_WATERMARK_IV));

        assertEquals(Reason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("watermark"), e.getMessage());
    }

    @Test
    void missingWatermarkTimestamp_isMissingField() {
        WxQyDataException e = assertThrows(WxQyDataException.class,
                () -> wxQy.email(SESSION_KEY, T_NO_TIMESTAMP, T_NO_TIMESTAMP_IV));

        assertEquals(Reason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("watermark.timestamp"), e.getMessage());
    }

    @Test
    void mobileUnderNoKnownName_isMissingField() {
        assertEquals(Reason.MISSING_FIELD, reasonOf(() -> wxQy.mobile(SESSION_KEY, T_NO_MOBILE, T_NO_MOBILE_IV)));
    }

    @Test
    void anotherCallsPayload_isMissingField() {
        assertEquals(Reason.MISSING_FIELD, reasonOf(() -> wxQy.mobile(SESSION_KEY, V4_ENCRYPTED, V4_IV)));
        assertEquals(Reason.MISSING_FIELD, reasonOf(() -> wxQy.email(SESSION_KEY, V2_ENCRYPTED, V2_IV)));
    }

    @Test
    void userInfoCall_withAnotherCallsData_checksTheWatermarkBeforeTheFields() {
        // The signature covers rawData only, so V1's rawData and signature pass with any encrypted data.
        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> wxQy.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA,
                V1_SIGNATURE, T_OTHER_APP_ID, T_OTHER_APP_ID_IV)));
        WxQyDataException e = assertThrows(WxQyDataException.class, () -> wxQy.enterpriseUserInfo(SESSION_KEY,
                V1_RAW_DATA, V1_SIGNATURE, V4_ENCRYPTED, V4_IV));
        assertEquals(Reason.MISSING_FIELD, e.reason());
        assertTrue(e.getMessage().contains("corpid"), e.getMessage());
    }

    @Test
    void olderThanMaxAge_isTooOld() {
        WxQyData strict = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofMinutes(5))
                .clock(clockAt(WATERMARK_TIME.plus(Duration.ofMinutes(5)).plusSeconds(1))).build();

        assertEquals(Reason.TOO_OLD, reasonOf(() -> strict.email(SESSION_KEY, V4_ENCRYPTED, V4_IV)));
        assertEquals(Reason.TOO_OLD, reasonOf(() -> strict.mobile(SESSION_KEY, V2_ENCRYPTED, V2_IV)));
        assertEquals(Reason.TOO_OLD, reasonOf(() -> strict.enterpriseUserInfo(SESSION_KEY, V1_RAW_DATA,
                V1_SIGNATURE, V1_ENCRYPTED, V1_IV)));
    }

    @Test
    void withMaxAge_onALenientInstance_refusesOldPayloadsOnTheSameClock() {
        WxQyData lenient = WxQyData.builder().appId(APP_ID)
                .clock(clockAt(WATERMARK_TIME.plus(Duration.ofHours(1)))).build();

        assertEquals(V4_EMAIL, lenient.email(SESSION_KEY, V4_ENCRYPTED, V4_IV).email());
        assertEquals(Reason.TOO_OLD, reasonOf(() -> lenient.withMaxAge(Duration.ofMinutes(59))
                .email(SESSION_KEY, V4_ENCRYPTED, V4_IV)));
    }

    @Test
    void wrongAppIdAndTooOld_reportsTheAppIdFirst() {
        WxQyData strict = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofSeconds(1))
                .clock(clockAt(WATERMARK_TIME.plus(Duration.ofDays(1)))).build();

        assertEquals(Reason.APPID_MISMATCH, reasonOf(() -> strict.email(SESSION_KEY, T_OTHER_APP_ID,
                T_OTHER_APP_ID_IV)));
    }
}
