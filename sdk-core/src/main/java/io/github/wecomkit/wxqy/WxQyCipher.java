package io.github.wecomkit.wxqy;

import io.github.wecomkit.wxqy.WxQyDataException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mini-program "encrypted data" scheme: {@code signature = hex(sha1(rawData + session_key))}, and AES-128-CBC
 * with PKCS#7 padding, key = Base64-decoded session key, iv = Base64-decoded {@code iv}.
 *
 * <p>No exception of the JDK's crypto leaves this class, and none is chained: their messages say nothing a caller
 * can act on, and the reason plus a short detail does.
 */
final class WxQyCipher {
    static final int KEY_BYTES = 16;
    static final int BLOCK_BYTES = 16;
    private static final String TRANSFORMATION = "AES/CBC/PKCS5Padding"; // PKCS#5 in the JDK's name = PKCS#7 on 16-byte blocks
    private static final String PLUS_HINT = " (it has a space where Base64 has '+': was it URL-decoded twice, or"
            + " posted as a form without encoding?)";
    private static final String SESSION_HINT = "; usually the session key is not the one of the login that produced"
            + " this payload (the mini-program logged in again), else the data was changed on the way";

    private WxQyCipher() {
    }

    static byte[] key(String sessionKey) {
        byte[] key = base64(sessionKey);
        if (key == null) {
            throw new WxQyDataException(Reason.BAD_KEY, "the session key is not Base64" + spaceHint(sessionKey)
                    + "; pass LoginSession.sessionKey() as jscode2session returned it");
        }
        if (key.length != KEY_BYTES) {
            throw new WxQyDataException(Reason.BAD_KEY, "the session key decodes to " + key.length
                    + " bytes, expected " + KEY_BYTES + "; pass LoginSession.sessionKey() as jscode2session returned it");
        }
        return key;
    }

    static byte[] iv(String iv) {
        byte[] bytes = base64(iv);
        if (bytes == null) {
            throw new WxQyDataException(Reason.BAD_IV, "iv is not Base64" + spaceHint(iv));
        }
        if (bytes.length != BLOCK_BYTES) {
            throw new WxQyDataException(Reason.BAD_IV, "iv decodes to " + bytes.length + " bytes, expected "
                    + BLOCK_BYTES + "; pass the iv the same wx.qy call returned with the encrypted data");
        }
        return bytes;
    }

    /** Constant-time in the content: a mismatch says nothing about where the first difference is. */
    static boolean signatureMatches(String rawData, String sessionKey, String signature) {
        byte[] expected;
        try {
            expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest((rawData + sessionKey).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
        return MessageDigest.isEqual(expected, signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the decrypted UTF-8 text */
    static String decrypt(byte[] key, byte[] iv, String encryptedData) {
        byte[] ciphertext = base64(encryptedData);
        if (ciphertext == null) {
            throw new WxQyDataException(Reason.BAD_CIPHERTEXT, "encryptedData is not Base64" + spaceHint(encryptedData));
        }
        if (ciphertext.length == 0 || ciphertext.length % BLOCK_BYTES != 0) {
            throw new WxQyDataException(Reason.BAD_CIPHERTEXT, "encryptedData is " + ciphertext.length
                    + " bytes, not a whole number of 16-byte AES blocks (truncated?)");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            plain = cipher.doFinal(ciphertext);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new WxQyDataException(Reason.BAD_CIPHERTEXT, "the PKCS#7 padding after decryption is invalid"
                    + SESSION_HINT);
        } catch (GeneralSecurityException e) {
            // Key and iv lengths were checked: only a JDK without AES gets here.
            throw new IllegalStateException("the Java runtime refused AES-128-CBC: " + e.getClass().getSimpleName());
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain))
                    .toString();
        } catch (CharacterCodingException e) {
            // WeCom writes JSON in UTF-8; anything else is what a wrong key or a changed block decrypts to.
            throw new WxQyDataException(Reason.BAD_CIPHERTEXT, "the decrypted bytes are not UTF-8 text" + SESSION_HINT);
        }
    }

    /** @return the decoded bytes, or null if the text is not standard Base64 */
    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String spaceHint(String text) {
        return text.indexOf(' ') >= 0 ? PLUS_HINT : "";
    }
}
