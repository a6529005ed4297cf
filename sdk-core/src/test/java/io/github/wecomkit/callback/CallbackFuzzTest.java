package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.wecomkit.callback.CallbackException.Reason;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: random and mutated inputs at every layer (envelope, signature, ciphertext, plaintext layout,
 * decrypted XML) either decrypt or fail with {@link CallbackException}; no other throwable escapes. The counts at
 * the end prove the mutations reached every check, not just the first one.
 */
class CallbackFuzzTest {
    private static final long SEED = 20240611L;
    private static final int ROUNDS_PER_STRATEGY = 2_000;
    private static final String TOKEN = "fuzzToken";
    private static final String KEY = "FuzzKey0123456789abcdefghijklmnopqrstuvwxyz";
    private static final String CORP_ID = "wwfuzz";
    private static final String TIMESTAMP = "1700004000";
    private static final String NONCE = "31337";
    private static final String[] SEEDS = {
        "<xml><ToUserName>wwfuzz</ToUserName><FromUserName>u</FromUserName><CreateTime>1700004000</CreateTime>"
                + "<MsgType>event</MsgType><Event>subscribe</Event><AgentID>1</AgentID></xml>",
        "<xml><SuiteId><![CDATA[s]]></SuiteId><InfoType>create_auth</InfoType><TimeStamp>1</TimeStamp>"
                + "<AuthCode>c</AuthCode><State>st</State></xml>",
        "<xml><MsgType>text</MsgType><Content><![CDATA[你好 & <b>]]></Content><Nested><A x=\"1\">t</A></Nested></xml>",
    };
    private static final String[] SNIPPETS = {
        "<", ">", "&", "&amp;", "&#0;", "&#x10FFFF;", "<!DOCTYPE x>", "<![CDATA[", "]]>", "<?pi x?>", "<!--", "-->",
        "\u0000", "\uD800", "\uFFFE", "企", "<xml>", "</xml>", "<a b='1' b='2'>", "\"", "'", "=", "9999999999999999999",
    };

    private final Random random = new Random(SEED);
    private final ReferenceCrypto reference = new ReferenceCrypto(TOKEN, KEY);
    private final WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY)
            .receiveIds(CORP_ID).random(new Random(SEED + 1)).build();
    private final Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    private int accepted;
    private int runs;

    @Test
    void decryptAndVerifyUrl_onTenThousandSeededHostileInputs_throwOnlyCallbackException() {
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String garbage = randomText(random.nextInt(300));
            run("random body", garbage, () -> callback.decrypt(hex(), TIMESTAMP, NONCE, garbage));
        }
        String validEncrypted = reference.encrypt(new byte[16], SEEDS[0], CORP_ID);
        String validBody = ReferenceCrypto.envelope(CORP_ID, validEncrypted);
        String validSignature = reference.sign(TIMESTAMP, NONCE, validEncrypted);
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String body = mutate(validBody);
            run("mutated envelope", body, () -> callback.decrypt(validSignature, TIMESTAMP, NONCE, body));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            byte[] ciphertext = Base64.getDecoder().decode(validEncrypted);
            String encrypted = Base64.getEncoder().encodeToString(mutateBytes(ciphertext));
            signedDecrypt("re-signed mutated ciphertext", encrypted);
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            byte[] message = mutate(SEEDS[random.nextInt(SEEDS.length)]).getBytes(StandardCharsets.UTF_8);
            int length = random.nextInt(8) == 0 ? random.nextInt() : message.length;
            byte[] receiveId = random.nextInt(8) == 0 ? randomText(6).getBytes(StandardCharsets.UTF_8)
                    : CORP_ID.getBytes(StandardCharsets.US_ASCII);
            byte[] plain = ReferenceCrypto.pad32(ReferenceCrypto.layout(new byte[16], length, message, receiveId));
            if (random.nextInt(8) == 0) {
                plain[plain.length - 1 - random.nextInt(32)] = (byte) random.nextInt(256);
            }
            signedDecrypt("mutated plaintext", reference.encryptRaw(plain));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String echostr = random.nextBoolean() ? mutate(validEncrypted) : randomText(random.nextInt(120));
            String signature = random.nextBoolean() ? reference.sign(TIMESTAMP, NONCE, echostr) : hex();
            run("echostr", echostr, () -> callback.verifyUrl(signature, TIMESTAMP, NONCE, echostr));
        }

        assertEquals(5 * ROUNDS_PER_STRATEGY, runs);
        assertTrue(runs >= 10_000, "at least 10,000 inputs");
        for (Reason reason : new Reason[] {Reason.BAD_SIGNATURE, Reason.MALFORMED_XML, Reason.BAD_CIPHERTEXT,
                Reason.BAD_PADDING, Reason.BAD_LENGTH, Reason.WRONG_RECEIVE_ID}) {
            assertTrue(reasons.getOrDefault(reason, 0) > 0, "fuzzing never reached " + reason + ": " + reasons);
        }
        assertTrue(accepted > 0, "some mutated plaintexts should still be valid XML: " + reasons);
    }

    private void signedDecrypt(String strategy, String encrypted) {
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        String body = ReferenceCrypto.envelope(CORP_ID, encrypted);
        run(strategy, body, () -> callback.decrypt(signature, TIMESTAMP, NONCE, body));
    }

    private void run(String strategy, String input, Supplier<Object> call) {
        runs++;
        try {
            Object result = call.get();
            if (result == null) {
                fail(strategy + " returned null for " + describe(input));
            }
            accepted++;
        } catch (CallbackException e) {
            reasons.merge(e.reason(), 1, Integer::sum);
            assertFalse(e.getMessage().contains(KEY) || e.getMessage().contains(TOKEN), e.getMessage());
        } catch (Throwable t) {
            fail(strategy + " (seed " + SEED + ", run " + runs + ") threw " + t + " for " + describe(input), t);
        }
    }

    private String hex() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            out.append(Character.forDigit(random.nextInt(16), 16));
        }
        return out.toString();
    }

    private String randomText(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            if (pick < 5) {
                out.append((char) (0x20 + random.nextInt(0x5f)));
            } else if (pick < 7) {
                out.append(SNIPPETS[random.nextInt(SNIPPETS.length)]);
            } else if (pick < 9) {
                out.append((char) random.nextInt(0x10000));
            } else {
                out.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
            }
        }
        return out.toString();
    }

    private String mutate(String text) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.setCharAt(at, (char) (out.charAt(at) ^ (1 << random.nextInt(16))));
                case 1 -> out.deleteCharAt(at);
                case 2 -> out.insert(at, SNIPPETS[random.nextInt(SNIPPETS.length)]);
                case 3 -> out.setLength(at);
                default -> out.insert(at, out.substring(at, Math.min(out.length(), at + random.nextInt(40))));
            }
        }
        return out.toString();
    }

    private byte[] mutateBytes(byte[] bytes) {
        byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
            default -> {
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return out;
    }

    private static String describe(String input) {
        String shown = input.length() > 200 ? input.substring(0, 200) + "..." : input;
        return "input (" + input.length() + " chars): " + shown;
    }
}
