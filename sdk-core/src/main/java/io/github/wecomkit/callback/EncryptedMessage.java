package io.github.wecomkit.callback;

import java.util.Objects;

/**
 * An encrypted, signed reply: the four values WeCom expects in a passive reply envelope.
 *
 * <pre>{@code
 * EncryptedMessage reply = callback.encrypt("<xml>...</xml>");
 * response.setContentType("application/xml;charset=UTF-8");
 * response.getWriter().write(reply.toXml());
 * }</pre>
 *
 * @param encrypt      the Base64 ciphertext
 * @param msgSignature the SHA-1 signature over Token, timestamp, nonce and ciphertext (lowercase hex)
 * @param timestamp    seconds since the epoch, as sent
 * @param nonce        the random string that was signed
 */
public record EncryptedMessage(String encrypt, String msgSignature, String timestamp, String nonce) {

    /** Checks for nulls. */
    public EncryptedMessage {
        Objects.requireNonNull(encrypt, "encrypt == null");
        Objects.requireNonNull(msgSignature, "msgSignature == null");
        Objects.requireNonNull(timestamp, "timestamp == null");
        Objects.requireNonNull(nonce, "nonce == null");
    }

    /**
     * The reply body WeCom expects:
     * {@code <xml><Encrypt><![CDATA[..]]></Encrypt><MsgSignature><![CDATA[..]]></MsgSignature>
     * <TimeStamp>..</TimeStamp><Nonce><![CDATA[..]]></Nonce></xml>}.
     *
     * @return the envelope, without an XML declaration or trailing newline
     */
    public String toXml() {
        return "<xml><Encrypt>" + cdata(encrypt) + "</Encrypt><MsgSignature>" + cdata(msgSignature)
                + "</MsgSignature><TimeStamp>" + text(timestamp) + "</TimeStamp><Nonce>" + cdata(nonce)
                + "</Nonce></xml>";
    }

    private static String text(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Splits any {@code ]]>} so a hand-built record cannot break out of its section. */
    private static String cdata(String value) {
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }
}
