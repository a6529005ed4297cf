package io.github.wecomkit.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code msg_signature = hex(sha1(concat(sort(token, timestamp, nonce, encrypt))))}: the four strings sorted
 * lexicographically and joined without a separator, as lowercase hex.
 */
final class CallbackSignature {
    private static final int SHA1_BYTES = 20;

    private CallbackSignature() {
    }

    static String sign(String token, String timestamp, String nonce, String encrypt) {
        return HexFormat.of().formatHex(digest(token, timestamp, nonce, encrypt));
    }

    /**
     * Compares in constant time, so response timing does not reveal how many leading bytes of a forged
     * signature were right.
     */
    static boolean matches(String signature, String token, String timestamp, String nonce, String encrypt) {
        byte[] expected = digest(token, timestamp, nonce, encrypt);
        byte[] given = parseHex(signature);
        return given != null && MessageDigest.isEqual(expected, given);
    }

    private static byte[] digest(String token, String timestamp, String nonce, String encrypt) {
        String[] parts = {token, timestamp, nonce, encrypt};
        Arrays.sort(parts);
        try {
            return MessageDigest.getInstance("SHA-1").digest(String.join("", parts).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-1", e);
        }
    }

    private static byte[] parseHex(String signature) {
        if (signature.length() != SHA1_BYTES * 2) {
            return null;
        }
        for (int i = 0; i < signature.length(); i++) {
            if (Character.digit(signature.charAt(i), 16) < 0) {
                return null;
            }
        }
        return HexFormat.of().parseHex(signature);
    }
}
