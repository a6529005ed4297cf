package io.github.wecomkit.callback;

import io.github.wecomkit.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.callback.CallbackException.Reason;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * One changed bit anywhere in a valid callback is refused with the reason naming the broken check. Where a test
 * must get past the signature to reach a later check, it re-signs with the test's own reference implementation.
 */
class CallbackTamperTest {
    private static final String TOKEN = "tamperToken";
    private static final String KEY = "Z9y8X7w6V5u4T3s2R1q0PpOoNnMmLlKkJjIiHhGgFfE";
    private static final String CORP_ID = "wwtamper0000000001";
    private static final String TIMESTAMP = "1700002000";
    private static final String NONCE = "424242";
    private static final byte[] RANDOM = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String XML = "<xml><ToUserName>" + CORP_ID + "</ToUserName><FromUserName>u</FromUserName>"
            + "<CreateTime>1700002000</CreateTime><MsgType>event</MsgType><Event>subscribe</Event>"
            + "<AgentID>1</AgentID></xml>";

    private final ReferenceCrypto reference = new ReferenceCrypto(TOKEN, KEY);
    private final WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY)
            .receiveIds(CORP_ID).build();

    /** Encrypts the given padded plaintext, signs it correctly, and decrypts it with the SDK. */
    private CallbackEvent decryptSigned(byte[] paddedPlaintext) {
        String encrypted = reference.encryptRaw(paddedPlaintext);
        return callback.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted), TIMESTAMP, NONCE,
                ReferenceCrypto.envelope(CORP_ID, encrypted));
    }

    private CallbackEvent decryptSignedCiphertext(byte[] ciphertext) {
        String encrypted = Base64.getEncoder().encodeToString(ciphertext);
        return callback.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted), TIMESTAMP, NONCE,
                ReferenceCrypto.envelope(CORP_ID, encrypted));
    }

    private static void assertReason(Reason expected, Executable call) {
        CallbackException e = assertThrows(CallbackException.class, call);
        assertEquals(expected, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(expected.name()), e.getMessage());
    }

    private byte[] validPlaintext() {
        return ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, XML, CORP_ID));
    }

    @Test
    void decrypt_untampered_returnsEvent() {
        assertInstanceOf(SubscribeEvent.class, decryptSigned(validPlaintext()));
    }

    @Test
    void decrypt_whenAnySignatureBitFlips_throwsBadSignature() {
        String encrypted = reference.encryptRaw(validPlaintext());
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);
        byte[] signature = reference.sign(TIMESTAMP, NONCE, encrypted).getBytes(StandardCharsets.US_ASCII);
        for (int bit = 0; bit < signature.length * 8; bit++) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String tampered = new String(flipped, StandardCharsets.ISO_8859_1);
            assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(tampered, TIMESTAMP, NONCE, body));
        }
    }

    @Test
    void decrypt_whenSignatureUppercasedOrTruncated_throwsBadSignature() {
        String encrypted = reference.encryptRaw(validPlaintext());
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);

        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature.toUpperCase(Locale.ROOT), TIMESTAMP,
                NONCE, body));
        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature.substring(1), TIMESTAMP, NONCE, body));
        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature + "0", TIMESTAMP, NONCE, body));
        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt("", TIMESTAMP, NONCE, body));
    }

    @Test
    void decrypt_whenCiphertextBitFlipsWithoutResigning_throwsBadSignature() {
        String encrypted = reference.encryptRaw(validPlaintext());
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        byte[] ciphertext = Base64.getDecoder().decode(encrypted);
        ciphertext[ciphertext.length / 2] ^= 0x01;
        String body = ReferenceCrypto.envelope(CORP_ID, Base64.getEncoder().encodeToString(ciphertext));

        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature, TIMESTAMP, NONCE, body));
    }

    @Test
    void decrypt_whenTimestampOrNonceChanges_throwsBadSignature() {
        String encrypted = reference.encryptRaw(validPlaintext());
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);

        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature, "1700002001", NONCE, body));
        assertReason(Reason.BAD_SIGNATURE, () -> callback.decrypt(signature, TIMESTAMP, "424243", body));
    }

    @Test
    void decrypt_whenResignedCiphertextFlipsHighBitOfLengthField_throwsBadLength() {
        byte[] ciphertext = Base64.getDecoder().decode(reference.encryptRaw(validPlaintext()));
        // In CBC a bit flipped in ciphertext block 0 flips the same bit of plaintext block 1, whose first byte is
        // the high byte of the length field.
        ciphertext[0] ^= (byte) 0x80;

        assertReason(Reason.BAD_LENGTH, () -> decryptSignedCiphertext(ciphertext));
    }

    @Test
    void decrypt_whenResignedCiphertextLastBlockBitFlips_throwsBadPadding() {
        byte[] ciphertext = Base64.getDecoder().decode(reference.encryptRaw(validPlaintext()));
        ciphertext[ciphertext.length - 1] ^= 0x01;

        assertReason(Reason.BAD_PADDING, () -> decryptSignedCiphertext(ciphertext));
    }

    @Test
    void decrypt_whenResignedCiphertextFlipsBitOfReceiveId_throwsWrongReceiveId() {
        byte[] plain = validPlaintext();
        byte[] ciphertext = Base64.getDecoder().decode(reference.encryptRaw(plain));
        int lastIdByte = 20 + XML.length() + CORP_ID.length() - 1;
        // Flipping ciphertext byte i - 16 flips plaintext byte i and garbles only the block before it.
        ciphertext[lastIdByte - 16] ^= 0x01;

        CallbackException e = assertThrows(CallbackException.class, () -> decryptSignedCiphertext(ciphertext));

        // The garbled block lies inside the XML or the id itself; either check may fire first, never a crash.
        assertTrue(e.reason() == Reason.WRONG_RECEIVE_ID || e.reason() == Reason.MALFORMED_XML, e.getMessage());
    }

    @Test
    void decrypt_whenReceiveIdDiffersByOneBit_throwsWrongReceiveIdNamingBoth() {
        byte[] id = CORP_ID.getBytes(StandardCharsets.US_ASCII);
        id[id.length - 1] ^= 0x01;
        byte[] body = XML.getBytes(StandardCharsets.UTF_8);

        CallbackException e = assertThrows(CallbackException.class,
                () -> decryptSigned(ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, body.length, body, id))));

        assertEquals(Reason.WRONG_RECEIVE_ID, e.reason());
        assertTrue(e.getMessage().contains("\"wwtamper0000000000\""), e.getMessage());
        assertTrue(e.getMessage().contains(CORP_ID), e.getMessage());
    }

    @Test
    void decrypt_whenReceiveIdIsAnotherConfiguredId_isAccepted() {
        WeComCallback both = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY)
                .receiveIds("wwsuite01", CORP_ID).build();
        String encrypted = reference.encrypt(RANDOM, XML, CORP_ID);

        assertInstanceOf(SubscribeEvent.class, both.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted), TIMESTAMP,
                NONCE, ReferenceCrypto.envelope(CORP_ID, encrypted)));
    }

    @Test
    void decrypt_whenReceiveIdEmptyAndConfiguredEmpty_isAccepted() {
        WeComCallback personal = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds("").build();
        String encrypted = reference.encrypt(RANDOM, XML, "");

        assertInstanceOf(SubscribeEvent.class, personal.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted),
                TIMESTAMP, NONCE, ReferenceCrypto.envelope(CORP_ID, encrypted)));
    }

    @Test
    void decrypt_whenReceiveIdMissing_throwsWrongReceiveId() {
        String encrypted = reference.encrypt(RANDOM, XML, "");

        assertReason(Reason.WRONG_RECEIVE_ID, () -> callback.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted),
                TIMESTAMP, NONCE, ReferenceCrypto.envelope(CORP_ID, encrypted)));
    }

    @Test
    void decrypt_whenPaddingByteIsZero_throwsBadPadding() {
        byte[] plain = validPlaintext();
        plain[plain.length - 1] = 0;

        assertReason(Reason.BAD_PADDING, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenPaddingByteExceeds32_throwsBadPadding() {
        byte[] plain = validPlaintext();
        plain[plain.length - 1] = 33;

        assertReason(Reason.BAD_PADDING, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenOnePaddingByteDiffers_throwsBadPadding() {
        byte[] plain = validPlaintext();
        int pad = plain[plain.length - 1];
        plain[plain.length - pad] ^= 0x01;

        assertReason(Reason.BAD_PADDING, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenLengthFieldOneLarger_throwsWrongReceiveIdOrBadLength() {
        byte[] body = XML.getBytes(StandardCharsets.UTF_8);
        byte[] id = CORP_ID.getBytes(StandardCharsets.US_ASCII);
        byte[] exact = ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, body.length + id.length, body, id));
        byte[] over = ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, body.length + id.length + 1, body, id));

        // Length covering the id leaves an empty receive id; one more byte than exists is a bad length.
        assertReason(Reason.WRONG_RECEIVE_ID, () -> decryptSigned(exact));
        assertReason(Reason.BAD_LENGTH, () -> decryptSigned(over));
    }

    @Test
    void decrypt_whenLengthFieldIsNegativeAsSignedInt_throwsBadLength() {
        byte[] body = XML.getBytes(StandardCharsets.UTF_8);
        byte[] plain = ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, 0xffff_fff0,
                body, CORP_ID.getBytes(StandardCharsets.US_ASCII)));

        assertReason(Reason.BAD_LENGTH, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenPlaintextShorterThanHeader_throwsBadLength() {
        byte[] plain = ReferenceCrypto.pad32(new byte[10]);

        assertReason(Reason.BAD_LENGTH, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenMessageIsNotUtf8_throwsMalformedXml() {
        byte[] body = {'<', 'x', '/', (byte) 0xc3, '>'};
        byte[] plain = ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, body.length, body,
                CORP_ID.getBytes(StandardCharsets.US_ASCII)));

        assertReason(Reason.MALFORMED_XML, () -> decryptSigned(plain));
    }

    @Test
    void decrypt_whenDecryptedMessageIsNotXml_throwsMalformedXml() {
        assertReason(Reason.MALFORMED_XML,
                () -> decryptSigned(ReferenceCrypto.pad32(ReferenceCrypto.layout(RANDOM, "not xml", CORP_ID))));
    }

    @Test
    void decrypt_whenEncryptIsNotBase64_throwsBadCiphertext() {
        String encrypted = "not*base64!";

        assertReason(Reason.BAD_CIPHERTEXT, () -> callback.decrypt(reference.sign(TIMESTAMP, NONCE, encrypted),
                TIMESTAMP, NONCE, ReferenceCrypto.envelope(CORP_ID, encrypted)));
    }

    @Test
    void decrypt_whenCiphertextNotWholeBlocks_throwsBadCiphertext() {
        assertReason(Reason.BAD_CIPHERTEXT, () -> decryptSignedCiphertext(new byte[33]));
        assertReason(Reason.BAD_CIPHERTEXT, () -> decryptSignedCiphertext(new byte[0]));
    }

    @Test
    void decrypt_whenEncryptElementMissing_throwsMalformedXml() {
        assertReason(Reason.MALFORMED_XML,
                () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml><ToUserName>x</ToUserName></xml>"));
    }

    @Test
    void decrypt_whenParameterMissing_throwsMissingParameterNamingIt() {
        CallbackException e = assertThrows(CallbackException.class,
                () -> callback.decrypt("00", TIMESTAMP, null, "<xml/>"));

        assertEquals(Reason.MISSING_PARAMETER, e.reason());
        assertTrue(e.getMessage().contains("nonce"), e.getMessage());
        assertReason(Reason.MISSING_PARAMETER, () -> callback.decrypt(null, TIMESTAMP, NONCE, "<xml/>"));
        assertReason(Reason.MISSING_PARAMETER, () -> callback.decrypt("00", null, NONCE, "<xml/>"));
        assertReason(Reason.MISSING_PARAMETER, () -> callback.decrypt("00", TIMESTAMP, NONCE, null));
        assertReason(Reason.MISSING_PARAMETER, () -> callback.verifyUrl("00", TIMESTAMP, NONCE, null));
    }

    @Test
    void decrypt_whenBodyLargerThanLimit_throwsBodyTooLargeBeforeParsing() {
        WeComCallback small = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds(CORP_ID)
                .maxBodyBytes(100).build();
        String chinese = "<xml>" + "企".repeat(32) + "</xml>"; // 43 chars, 107 UTF-8 bytes

        assertReason(Reason.BODY_TOO_LARGE, () -> small.decrypt("00", TIMESTAMP, NONCE, chinese));
        assertReason(Reason.BODY_TOO_LARGE, () -> small.verifyUrl("00", TIMESTAMP, NONCE, "A".repeat(101)));
        assertReason(Reason.BAD_SIGNATURE, () -> small.verifyUrl("00", TIMESTAMP, NONCE, "A".repeat(100)));
    }

    @Test
    void decrypt_defaultLimit_acceptsAtMost64KiB() {
        String padding = " ".repeat(WeComCallback.DEFAULT_MAX_BODY_BYTES - "<xml></xml>".length());

        assertReason(Reason.MALFORMED_XML, () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml>" + padding + "</xml>"));
        assertReason(Reason.BODY_TOO_LARGE,
                () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml> " + padding + "</xml>"));
    }

    @Test
    void verifyUrl_whenEchostrTampered_throwsBadSignature() {
        String echostr = reference.encrypt(RANDOM, "123456", CORP_ID);
        String signature = reference.sign(TIMESTAMP, NONCE, echostr);

        assertEquals("123456", callback.verifyUrl(signature, TIMESTAMP, NONCE, echostr));
        String tampered = (echostr.charAt(0) == 'A' ? "B" : "A") + echostr.substring(1);
        assertReason(Reason.BAD_SIGNATURE, () -> callback.verifyUrl(signature, TIMESTAMP, NONCE, tampered));
    }

    @Test
    void verifyUrl_whenEchostrForAnotherCorp_throwsWrongReceiveId() {
        String echostr = reference.encrypt(RANDOM, "123456", "wwsomeoneelse");

        assertReason(Reason.WRONG_RECEIVE_ID,
                () -> callback.verifyUrl(reference.sign(TIMESTAMP, NONCE, echostr), TIMESTAMP, NONCE, echostr));
    }

    @Test
    void decrypt_withToleranceAndTimestampOutsideWindow_throwsStaleTimestamp() {
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(Long.parseLong(TIMESTAMP)));
        WeComCallback fresh = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds(CORP_ID)
                .clock(clock).timestampTolerance(Duration.ofMinutes(5)).build();
        String encrypted = reference.encrypt(RANDOM, XML, CORP_ID);
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);

        clock.advance(Duration.ofSeconds(300));
        assertInstanceOf(SubscribeEvent.class, fresh.decrypt(signature, TIMESTAMP, NONCE, body));
        clock.advance(Duration.ofSeconds(1));
        assertReason(Reason.STALE_TIMESTAMP, () -> fresh.decrypt(signature, TIMESTAMP, NONCE, body));
        clock.advance(Duration.ofSeconds(-602));
        assertReason(Reason.STALE_TIMESTAMP, () -> fresh.decrypt(signature, TIMESTAMP, NONCE, body));
    }

    @Test
    void decrypt_withToleranceAndNonNumericOrExtremeTimestamp_throwsStaleTimestamp() {
        WeComCallback fresh = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds(CORP_ID)
                .timestampTolerance(Duration.ofMinutes(5)).build();
        String encrypted = reference.encrypt(RANDOM, XML, CORP_ID);
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);

        for (String timestamp : new String[] {"soon", "-9223372036854775808", "9223372036854775807", ""}) {
            assertReason(Reason.STALE_TIMESTAMP, () -> fresh.decrypt(reference.sign(timestamp, NONCE, encrypted),
                    timestamp, NONCE, body));
        }
    }

    @Test
    void decrypt_withoutTolerance_acceptsOldTimestamp() {
        String encrypted = reference.encrypt(RANDOM, XML, CORP_ID);

        assertInstanceOf(SubscribeEvent.class, callback.decrypt(reference.sign("1", NONCE, encrypted), "1", NONCE,
                ReferenceCrypto.envelope(CORP_ID, encrypted)));
    }

    @Test
    void decrypt_withWrongKeyButRightToken_hintsAtTheEncodingAesKey() {
        WeComCallback wrongKey = WeComCallback.builder().token(TOKEN)
                .encodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").receiveIds(CORP_ID).build();
        String encrypted = reference.encrypt(RANDOM, XML, CORP_ID);

        CallbackException e = assertThrows(CallbackException.class, () -> wrongKey.decrypt(
                reference.sign(TIMESTAMP, NONCE, encrypted), TIMESTAMP, NONCE,
                ReferenceCrypto.envelope(CORP_ID, encrypted)));

        assertTrue(e.getMessage().contains("EncodingAESKey"), e.getMessage());
        assertTrue(e.reason() == Reason.BAD_PADDING || e.reason() == Reason.BAD_LENGTH, e.getMessage());
    }

    @Test
    void callbackException_isNeverRetryable() {
        CallbackException e = assertThrows(CallbackException.class,
                () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml/>"));

        assertEquals(false, e.retryable());
    }
}
