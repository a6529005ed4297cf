package io.github.wecomkit.wxqy;

import static io.github.wecomkit.wxqy.WxQyVectors.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.wecomkit.wxqy.WxQyDataException.Reason;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: random and mutated inputs at every layer (the Base64 texts, the ciphertext bytes, the signed
 * rawData, the decrypted JSON) either decrypt or fail with {@link WxQyDataException}; nothing else escapes. The
 * counts at the end prove that the mutations reached every check, not just the first one.
 */
class WxQyDataFuzzTest {
    private static final long SEED = 20250310L;
    private static final int ROUNDS_PER_STRATEGY = 2_000;
    private static final String[] PLAINTEXTS = {
        "{\"corpid\":\"" + CORP_ID + "\",\"userid\":\"zhangsan\",\"name\":\"张三\",\"gender\":1,"
                + "\"watermark\":{\"appid\":\"" + APP_ID + "\",\"timestamp\":" + TIMESTAMP + "}}",
        "{\"mobile\":\"13800138000\",\"watermark\":{\"appid\":\"" + APP_ID + "\",\"timestamp\":" + TIMESTAMP + "}}",
        "{\"email\":\"a@example.com\",\"watermark\":{\"appid\":\"" + APP_ID + "\",\"timestamp\":" + TIMESTAMP + "}}",
    };
    private static final String[] SNIPPETS = {
        "{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999", "-1", "9223372036854775808", "\\u0000", "\\ud800",
        "\"watermark\":{}", "\"appid\":\"" + OTHER_APP_ID + "\"", "\"timestamp\":\"17\"", "企", "\u0000", "=", "+", "/",
        " ", "==", "\uFFFD",
    };

    private final Random random = new Random(SEED);
    private final WxQyData wxQy = WxQyData.builder().appId(APP_ID).maxAge(Duration.ofHours(1))
            .clock(clockAt(WATERMARK_TIME)).build();
    private final Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    private int accepted;
    private int runs;

    @Test
    void everyDecryptingMethod_onTwelveThousandSeededHostileInputs_throwsOnlyWxQyDataException() {
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String key = nonBlank(64);
            String data = nonBlank(300);
            String iv = nonBlank(64);
            String raw = nonBlank(200);
            String signature = nonBlank(64);
            run("random", data, () -> switch (random.nextInt(3)) {
                case 0 -> wxQy.mobile(key, data, iv);
                case 1 -> wxQy.email(key, data, iv);
                default -> wxQy.enterpriseUserInfo(key, raw, signature, data, iv);
            });
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String data = mutateText(V4_ENCRYPTED);
            String iv = random.nextInt(4) == 0 ? shortArgument(mutateText(V4_IV)) : V4_IV;
            String key = random.nextInt(8) == 0 ? shortArgument(mutateText(SESSION_KEY)) : SESSION_KEY;
            run("mutated Base64", data, () -> wxQy.email(key, data, iv));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            String data = Base64.getEncoder().encodeToString(mutateBytes(Base64.getDecoder().decode(V2_ENCRYPTED)));
            run("mutated ciphertext", data, () -> wxQy.mobile(SESSION_KEY, data, V2_IV));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            byte[] iv = new byte[16];
            random.nextBytes(iv);
            String plaintext = mutateText(PLAINTEXTS[random.nextInt(PLAINTEXTS.length)]);
            String data = encrypt(plaintext.getBytes(StandardCharsets.UTF_8), iv);
            String ivText = Base64.getEncoder().encodeToString(iv);
            run("re-encrypted mutated JSON", plaintext, () -> random.nextBoolean()
                    ? wxQy.mobile(SESSION_KEY, data, ivText) : wxQy.email(SESSION_KEY, data, ivText));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            byte[] iv = new byte[16];
            random.nextBytes(iv);
            String plaintext = mutateText(PLAINTEXTS[0]);
            String data = encrypt(plaintext.getBytes(StandardCharsets.UTF_8), iv);
            String raw = mutateText(V1_RAW_DATA);
            String signature = random.nextInt(4) == 0 ? shortArgument(mutateText(sign(raw))) : sign(raw);
            run("signed user info", plaintext, () -> wxQy.enterpriseUserInfo(SESSION_KEY, raw, signature, data,
                    Base64.getEncoder().encodeToString(iv)));
        }
        for (int i = 0; i < ROUNDS_PER_STRATEGY; i++) {
            byte[] plain = new byte[random.nextInt(80)];
            random.nextBytes(plain);
            byte[] iv = new byte[16];
            String data = encrypt(plain, iv);
            run("random plaintext bytes", data, () -> wxQy.email(SESSION_KEY, data,
                    Base64.getEncoder().encodeToString(iv)));
        }

        assertEquals(6 * ROUNDS_PER_STRATEGY, runs);
        for (Reason reason : Reason.values()) {
            assertTrue(reasons.getOrDefault(reason, 0) > 0, "fuzzing never reached " + reason + ": " + reasons);
        }
        assertTrue(accepted > 0, "some mutated plaintexts should still be valid payloads: " + reasons);
    }

    private void run(String strategy, String input, Supplier<Object> call) {
        runs++;
        try {
            Object result = call.get();
            if (result == null) {
                fail(strategy + " returned null for " + describe(input));
            }
            accepted++;
        } catch (WxQyDataException e) {
            reasons.merge(e.reason(), 1, Integer::sum);
            assertFalse(e.getMessage().contains(SESSION_KEY), e.getMessage());
        } catch (Throwable t) {
            fail(strategy + " (seed " + SEED + ", run " + runs + ") threw " + t + " for " + describe(input), t);
        }
    }

    private String nonBlank(int maxLength) {
        StringBuilder out = new StringBuilder().append((char) ('!' + random.nextInt(94)));
        int length = random.nextInt(maxLength);
        while (out.length() < length) {
            int pick = random.nextInt(10);
            if (pick < 6) {
                out.append((char) (0x20 + random.nextInt(0x5f)));
            } else if (pick < 8) {
                out.append(SNIPPETS[random.nextInt(SNIPPETS.length)]);
            } else {
                out.append((char) random.nextInt(0x10000));
            }
        }
        return out.length() > maxLength ? out.substring(0, maxLength) : out.toString();
    }

    /** Keys, ivs and signatures longer than 64 chars are argument errors, not payload errors: stay below. */
    private static String shortArgument(String text) {
        return text.length() > 64 ? text.substring(0, 64) : text;
    }

    private String mutateText(String text) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && out.length() > 1; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.setCharAt(at, (char) (out.charAt(at) ^ (1 << random.nextInt(7))));
                case 1 -> out.deleteCharAt(at);
                case 2 -> out.insert(at, SNIPPETS[random.nextInt(SNIPPETS.length)]);
                case 3 -> out.setLength(Math.max(1, at));
                default -> out.setCharAt(at, Character.isDigit(out.charAt(at)) ? (char) ('0' + random.nextInt(10))
                        : out.charAt(at));
            }
        }
        if (out.toString().isBlank()) {
            out.insert(0, 'x');
        }
        return out.toString();
    }

    private byte[] mutateBytes(byte[] bytes) {
        byte[] out = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 -> out = Arrays.copyOf(out, 1 + random.nextInt(out.length));
            default -> {
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return out;
    }

    /** The JDK as an encryptor, only to wrap mutated plaintexts; the known answers come from Node. */
    private static String encrypt(byte[] plaintext, byte[] iv) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Base64.getDecoder().decode(SESSION_KEY), "AES"),
                    new IvParameterSpec(iv));
            return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String sign(String rawData) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest((rawData + SESSION_KEY).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String describe(String input) {
        String shown = input.length() > 200 ? input.substring(0, 200) + "..." : input;
        return "input (" + input.length() + " chars): " + shown;
    }
}
