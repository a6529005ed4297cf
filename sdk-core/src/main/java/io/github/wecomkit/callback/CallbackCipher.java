package io.github.wecomkit.callback;

import io.github.wecomkit.callback.CallbackException.Reason;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeCom's message encryption: AES-256-CBC with the IV taken from the first 16 key bytes, PKCS#7 padding to
 * 32-byte blocks (not AES's 16), over {@code random(16) | length(4, big-endian) | message | receiveId}.
 *
 * <p>Padding and length are checked only after the signature: without the Token nobody can submit a ciphertext
 * that reaches them, so their distinct error reasons are no padding oracle.
 */
final class CallbackCipher {
    static final int RANDOM_BYTES = 16;
    private static final int LENGTH_BYTES = 4;
    private static final int HEADER_BYTES = RANDOM_BYTES + LENGTH_BYTES;
    private static final int PAD_BLOCK = 32;
    private static final int AES_BLOCK = 16;
    private static final String TRANSFORMATION = "AES/CBC/NoPadding";
    private static final String KEY_HINT = "; the EncodingAESKey is probably not the one configured for this URL";

    /** The decrypted message and the receive id that followed it. */
    record Decrypted(String message, String receiveId) {
        @Override
        public String toString() {
            return "Decrypted[receiveId=" + receiveId + "]";
        }
    }

    private final SecretKeySpec key;
    private final IvParameterSpec iv;

    CallbackCipher(byte[] aesKey) {
        this.key = new SecretKeySpec(aesKey, "AES");
        this.iv = new IvParameterSpec(Arrays.copyOf(aesKey, AES_BLOCK));
    }

    String encrypt(byte[] random, String message, String receiveId) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
        int unpadded = HEADER_BYTES + body.length + id.length;
        int pad = PAD_BLOCK - unpadded % PAD_BLOCK;
        ByteBuffer plain = ByteBuffer.allocate(unpadded + pad);
        plain.put(random, 0, RANDOM_BYTES).putInt(body.length).put(body).put(id);
        while (plain.hasRemaining()) {
            plain.put((byte) pad);
        }
        return Base64.getEncoder().encodeToString(run(Cipher.ENCRYPT_MODE, plain.array()));
    }

    Decrypted decrypt(String encrypted) {
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(encrypted);
        } catch (IllegalArgumentException e) {
            throw new CallbackException(Reason.BAD_CIPHERTEXT, "the encrypted text is not valid Base64");
        }
        if (ciphertext.length == 0 || ciphertext.length % AES_BLOCK != 0) {
            throw new CallbackException(Reason.BAD_CIPHERTEXT,
                    "the encrypted text is " + ciphertext.length + " bytes, not a whole number of AES blocks");
        }
        byte[] plain = run(Cipher.DECRYPT_MODE, ciphertext);

        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) {
            throw new CallbackException(Reason.BAD_PADDING, "padding byte " + pad + " is outside 1..32" + KEY_HINT);
        }
        for (int i = plain.length - pad; i < plain.length; i++) {
            if ((plain[i] & 0xff) != pad) {
                throw new CallbackException(Reason.BAD_PADDING,
                        "the " + pad + " padding bytes are not all equal" + KEY_HINT);
            }
        }
        int content = plain.length - pad;
        if (content < HEADER_BYTES) {
            throw new CallbackException(Reason.BAD_LENGTH,
                    "the decrypted block is " + content + " bytes, too short for its header" + KEY_HINT);
        }
        long length = ByteBuffer.wrap(plain, RANDOM_BYTES, LENGTH_BYTES).getInt() & 0xffff_ffffL;
        if (length > content - HEADER_BYTES) {
            throw new CallbackException(Reason.BAD_LENGTH, "the message length " + length + " exceeds the "
                    + (content - HEADER_BYTES) + " decrypted bytes" + KEY_HINT);
        }
        int end = HEADER_BYTES + (int) length;
        String receiveId;
        try {
            receiveId = strictUtf8(plain, end, content - end);
        } catch (CharacterCodingException e) {
            throw new CallbackException(Reason.WRONG_RECEIVE_ID, "the receive id is not UTF-8" + KEY_HINT);
        }
        String message;
        try {
            message = strictUtf8(plain, HEADER_BYTES, (int) length);
        } catch (CharacterCodingException e) {
            throw new CallbackException(Reason.MALFORMED_XML, "the decrypted message is not UTF-8");
        }
        return new Decrypted(message, receiveId);
    }

    private byte[] run(int mode, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(mode, key, iv);
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            // NoPadding on whole blocks leaves only key and provider problems here.
            throw new CallbackException(Reason.BAD_KEY, "the Java runtime refused AES-256-CBC with this key: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    private static String strictUtf8(byte[] bytes, int offset, int length) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length))
                .toString();
    }
}
