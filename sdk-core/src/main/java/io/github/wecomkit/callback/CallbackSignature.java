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
    private CallbackSignature() {
    }

    static String sign(String token, String timestamp, String nonce, String encrypt) {
        return HexFormat.of().formatHex(digest(token, timestamp, nonce, encrypt));
    }

    /**
     * Compares in constant time, so response timing does not reveal how many leading bytes of a forged
     * signature were right. Exact match on the lowercase hex WeCom sends: any changed bit fails.
     */
    static boolean matches(String signature, String token, String timestamp, String nonce, String encrypt) {
        byte[] expected = sign(token, timestamp, nonce, encrypt).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
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
}
