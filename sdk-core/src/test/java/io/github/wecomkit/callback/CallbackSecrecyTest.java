package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wecomkit.testing.LogCapture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * No exception message (with its causes) and no {@code toString()} shows the Token, the EncodingAESKey (or the
 * AES key it encodes), the decrypted message, a suite ticket or an auth code.
 */
class CallbackSecrecyTest {
    private static final String TOKEN = "SecretToken9xQ";
    private static final String KEY = "SecretKeyPart0123456789abcdefghijklmnopqrst";
    private static final String CORP_ID = "wwsecrecy";
    private static final String TIMESTAMP = "1700005000";
    private static final String NONCE = "1";
    private static final String PLAINTEXT_MARKER = "PlaintextMarker42";
    private static final String TICKET = "TicketValue987";
    private static final String AUTH_CODE = "AuthCodeValue654";

    private final ReferenceCrypto reference = new ReferenceCrypto(TOKEN, KEY);
    private final WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY)
            .receiveIds(CORP_ID).timestampTolerance(Duration.ofDays(365 * 100)).build();

    private List<String> forbidden() {
        byte[] aesKey = Base64.getDecoder().decode(KEY + "=");
        return List.of(TOKEN, KEY, KEY.substring(0, 12), Base64.getEncoder().encodeToString(aesKey),
                new String(aesKey, StandardCharsets.ISO_8859_1), PLAINTEXT_MARKER, TICKET, AUTH_CODE);
    }

    private void assertClean(String text) {
        for (String secret : forbidden()) {
            assertFalse(text.contains(secret), "leaked '" + secret + "' in: " + text);
        }
    }

    private String signedBody(byte[] paddedPlaintext, List<String> signatureOut) {
        String encrypted = reference.encryptRaw(paddedPlaintext);
        signatureOut.add(reference.sign(TIMESTAMP, NONCE, encrypted));
        return ReferenceCrypto.envelope(CORP_ID, encrypted);
    }

    private CallbackException failureFor(byte[] paddedPlaintext) {
        List<String> signature = new ArrayList<>();
        String body = signedBody(paddedPlaintext, signature);
        return assertThrows(CallbackException.class,
                () -> callback.decrypt(signature.get(0), TIMESTAMP, NONCE, body));
    }

    @Test
    void exceptionMessages_forEveryReason_neverContainSecretsOrPlaintext() {
        String xml = "<xml><Content>" + PLAINTEXT_MARKER + "</Content></xml>";
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        byte[] id = CORP_ID.getBytes(StandardCharsets.US_ASCII);
        byte[] random = new byte[16];
        List<Supplier<CallbackException>> failures = new ArrayList<>();
        byte[] badPad = ReferenceCrypto.pad32(ReferenceCrypto.layout(random, body.length, body, id));
        badPad[badPad.length - 1] = 0;
        failures.add(() -> failureFor(badPad));
        failures.add(() -> failureFor(ReferenceCrypto.pad32(ReferenceCrypto.layout(random, 1 << 20, body, id))));
        failures.add(() -> failureFor(ReferenceCrypto.pad32(ReferenceCrypto.layout(random, body.length, body,
                (PLAINTEXT_MARKER + "notme").getBytes(StandardCharsets.US_ASCII)))));
        failures.add(() -> failureFor(ReferenceCrypto.pad32(ReferenceCrypto.layout(random,
                "<xml>" + PLAINTEXT_MARKER + "</oops>", CORP_ID))));
        failures.add(() -> failureFor(ReferenceCrypto.pad32(ReferenceCrypto.layout(random,
                "<!DOCTYPE x [<!ENTITY e \"" + PLAINTEXT_MARKER + "\">]><xml><A>&e;</A></xml>", CORP_ID))));
        failures.add(() -> assertThrows(CallbackException.class, () -> callback.decrypt("bad", TIMESTAMP, NONCE,
                "<xml><Encrypt>" + PLAINTEXT_MARKER + "</Encrypt></xml>")));
        failures.add(() -> assertThrows(CallbackException.class, () -> callback.decrypt("bad", TIMESTAMP, NONCE,
                "<xml><" + PLAINTEXT_MARKER + ">")));
        failures.add(() -> assertThrows(CallbackException.class, () -> callback.verifyUrl(
                reference.sign("soon", NONCE, "x"), "soon", NONCE, "x")));
        failures.add(() -> assertThrows(CallbackException.class, () -> callback.verifyUrl(
                reference.sign(TIMESTAMP, NONCE, "%%%"), TIMESTAMP, NONCE, "%%%")));

        for (Supplier<CallbackException> failure : failures) {
            CallbackException e = failure.get();
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertClean(String.valueOf(t.getMessage()));
                assertClean(t.toString());
            }
        }
    }

    @Test
    void logLines_whileRefusingCallbacks_neverContainSecretsOrPlaintext() {
        LogCapture.clear();

        exceptionMessages_forEveryReason_neverContainSecretsOrPlaintext();

        List<LogCapture.Event> lines = LogCapture.events().stream()
                .filter(event -> event.logger().startsWith("io.github.wecomkit.callback")).toList();
        assertTrue(lines.size() >= 9, "each refusal is logged at DEBUG: " + lines);
        for (LogCapture.Event line : lines) {
            assertClean(line.text());
        }
    }

    @Test
    void toString_ofCallbackAndBuilder_hidesTokenAndKey() {
        WeComCallback.Builder builder = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds(CORP_ID);

        assertClean(builder.toString());
        assertClean(builder.build().toString());
        assertTrue(builder.build().toString().contains(CORP_ID));
    }

    @Test
    void toString_ofEvents_hidesTicketsAuthCodesAndMessageText() {
        Instant at = Instant.ofEpochSecond(1);
        List<CallbackEvent> events = List.of(
                new SuiteTicketEvent("wws", TICKET, at, Map.of("SuiteTicket", TICKET)),
                new CreateAuthEvent("wws", AUTH_CODE, at, "", Map.of("AuthCode", AUTH_CODE)),
                new ChangeAuthEvent("wws", "wwc", at, Map.of("Secretish", PLAINTEXT_MARKER)),
                new CancelAuthEvent("wws", "wwc", at, Map.of("Secretish", PLAINTEXT_MARKER)),
                new SubscribeEvent("wwc", "u", at, 1, Map.of("Secretish", PLAINTEXT_MARKER)),
                new UnsubscribeEvent("wwc", "u", at, 1, Map.of("Secretish", PLAINTEXT_MARKER)),
                new OtherEvent(Map.of("MsgType", "text", "Content", PLAINTEXT_MARKER)));

        for (CallbackEvent event : events) {
            assertClean(event.toString());
            assertTrue(event.toString().contains("Secretish") || event.toString().contains("fields=["),
                    event.toString());
        }
    }

    @Test
    void decryptedEvent_toString_hidesTheDecryptedTicket() {
        EncryptedMessage m = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds("wws").build()
                .encrypt("<xml><SuiteId>wws</SuiteId><InfoType>suite_ticket</InfoType><TimeStamp>1</TimeStamp>"
                        + "<SuiteTicket>" + TICKET + "</SuiteTicket></xml>");
        WeComCallback suite = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds("wws").build();

        CallbackEvent event = suite.decrypt(m.msgSignature(), m.timestamp(), m.nonce(), m.toXml());

        assertTrue(event instanceof SuiteTicketEvent t && t.suiteTicket().equals(TICKET));
        assertClean(event.toString());
    }
}
