package io.github.wecomkit.callback;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A second, deliberately plain implementation of WeCom's callback crypto for tests: it shares no code with the
 * SDK and can build broken layouts (bad padding, wrong length field, other receive ids) that the SDK never would.
 */
final class ReferenceCrypto {
    private final String token;
    private final byte[] key;

    ReferenceCrypto(String token, String encodingAesKey) {
        this.token = token;
        this.key = Base64.getDecoder().decode(encodingAesKey + "=");
        if (key.length != 32) {
            throw new AssertionError("AES-256 key expected, got " + key.length + " bytes");
        }
    }

    /** random | big-endian length | message | receive id, without padding. */
    static byte[] layout(byte[] random, int lengthField, byte[] message, byte[] receiveId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(random, 0, random.length);
        out.write((lengthField >>> 24) & 0xff);
        out.write((lengthField >>> 16) & 0xff);
        out.write((lengthField >>> 8) & 0xff);
        out.write(lengthField & 0xff);
        out.write(message, 0, message.length);
        out.write(receiveId, 0, receiveId.length);
        return out.toByteArray();
    }

    static byte[] layout(byte[] random, String message, String receiveId) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        return layout(random, body.length, body, receiveId.getBytes(StandardCharsets.UTF_8));
    }

    /** PKCS#7 to a multiple of 32 bytes, as WeCom does. */
    static byte[] pad32(byte[] data) {
        int pad = 32 - data.length % 32;
        byte[] out = new byte[data.length + pad];
        System.arraycopy(data, 0, out, 0, data.length);
        for (int i = data.length; i < out.length; i++) {
            out[i] = (byte) pad;
        }
        return out;
    }

    /** Encrypts bytes that are already a whole number of AES blocks, with no padding added. */
    String encryptRaw(byte[] blocks) {
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            byte[] iv = new byte[16];
            System.arraycopy(key, 0, iv, 0, 16);
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return Base64.getEncoder().encodeToString(aes.doFinal(blocks));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    byte[] decryptRaw(String encrypted) {
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
            byte[] iv = new byte[16];
            System.arraycopy(key, 0, iv, 0, 16);
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(Base64.getDecoder().decode(encrypted));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String encrypt(byte[] random, String message, String receiveId) {
        return encryptRaw(pad32(layout(random, message, receiveId)));
    }

    String sign(String timestamp, String nonce, String encrypted) {
        String joined = List.of(token, timestamp, nonce, encrypted).stream().sorted().collect(Collectors.joining());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(joined.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The POST body WeCom sends for an app callback. */
    static String envelope(String toUserName, String encrypted) {
        return "<xml><ToUserName><![CDATA[" + toUserName + "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
                + "<Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>";
    }
}
