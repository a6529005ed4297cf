package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Known-answer tests. V1 to V4 were computed once with Python 3 and the {@code cryptography} package by
 * {@code callback_vectors.py} (next to this class in the test resources), which implements the protocol on its own;
 * V3 was also checked with the {@code openssl enc -aes-256-cbc -nopad} and {@code sha1sum} command-line tools. V5 is
 * the URL-verification example published in WeCom's official WXBizMsgCrypt samples. Each vector is matched byte for
 * byte when the SDK encrypts (with the vector's fixed random bytes, nonce and clock) and decoded when it decrypts.
 */
class WeComCallbackVectorTest {
    static final String TOKEN = "wecomkitToken2024";
    static final String KEY = "kWxPL5UDgQCpqm1EyJ8DCfpA4xZ9Hn7oBrTvY2sNe3G";
    static final String CORP_ID = "ww1234567890abcdef";
    static final String SUITE_ID = "wwsuite0123456789";

    static final String V1_XML = "<xml><ToUserName><![CDATA[zhangsan]]></ToUserName>"
            + "<FromUserName><![CDATA[ww1234567890abcdef]]></FromUserName><CreateTime>1700000000</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好，企业微信]]></Content></xml>";
    static final String V1_ENCRYPT = "+fGazEtIsRn7YScWlY8LWKjY00+f6QOwcWlmAhki32cKoErKJ45F9yj/q+uAwk81zqfLWLAoEIsyhh"
            + "/sFwf76Qo9WWOsNrKySvThrixVFltkRIa8XFXVieYOhHH8wqhlErSo0alGbGocmiMP4yQfO3XrglPJtJeoY6WhFqtk9oXiuWVrP7t/5v8"
            + "g6nwmFooKegoizOkF5+fpjRfg/dFdkHW/Mbbi3uNoTivHpIVLnXtkPPGkiaia8GjlvAgV2TN/7T7Z9eFkXSnGJoiO2mMqlaOUnvntxLPDn"
            + "ePZYVecvA2ByCi/1obeBe7jwxmmVL3ZeRtG6HmPA7IH21r0KW9vq7tNSs8QmiZ2bNzIBgFDSQ8MokvgG/il/iGmbdMN13XG";
    static final String V1_SIGNATURE = "686499914f44f737a5fe97f525f0f2706fe7f941";

    static final String V2_XML = "<xml><ToUserName><![CDATA[ww1234567890abcdef]]></ToUserName>"
            + "<FromUserName><![CDATA[lisi]]></FromUserName><CreateTime>1700000100</CreateTime>"
            + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><AgentID>1000002</AgentID></xml>";
    static final String V2_ENCRYPT = "KTPJlyRm9Cwucatf4HXGR2+BGLEl1Uyn0MKcGqey4multUfzoUnA1o+azjdwRuTbciR9KgYFUQKzKQcH"
            + "/nMJ+5W4KCeP+iDBUXvLViWulVFtE5wiRe0hORXGdRsiNZpPDlF6F8ZEO3/lZnXtC1takWVH74D+dutCvYgu9mbkIoQDo/JyB22bsnhHb"
            + "SbS27dPeXOzkWQqQMxrUJ0wZznZDjTWE7A5j5izMlo1BH0xQg24y6YhfOB44Gd1OblCUds+y8xt7g5B7e7CkCpwqkHvzndIq1VrN++xsq"
            + "5xO+xPZgMkHWLGapPIU0NQa7OFNk+TZsq89gEhHVRJIJVi717BcV87X1rP5Dv0qZVRi81KPG2jW1IroJljyu3LYG/JQ0eo";
    static final String V2_SIGNATURE = "ffa332056e38807a985a5396276484b3bc9ac4ea";

    static final String V3_ECHO = "4402618293156048297";
    static final String V3_ENCRYPT = "C/ELnhCOXoWIixq31rU/HIG1dQaSbbeqHYSRzoDZG8cS1iU3l8kky4tFhF8tP+1f3M/xT/BxxqdHds"
            + "wwDg5yMA==";
    static final String V3_SIGNATURE = "735bf2ec29f3ced156e8a054c299e0a15787567b";

    static final String V4_XML = "<xml><SuiteId><![CDATA[wwsuite0123456789]]></SuiteId>"
            + "<InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>1700000300</TimeStamp>"
            + "<SuiteTicket><![CDATA[ticket-xxxx]]></SuiteTicket></xml>";
    static final String V4_ENCRYPT = "Zm2kqNNNAXV/1SOFRp8S/a3SpOsu3oPFlYjIAc4B8WoC0HLz2SHLyWOXm2zz+g3bf1xMBximfg2jcqh0"
            + "foF8jnopwJG1g4qGTfFribjZZl/j1DAQ/GRy4Q0cJuaU8WlWGG+LEKJ59Wndpi0/XBUAgcwgPHiwv3yhMiebntIS4lwcEjxwjEecvKjq1"
            + "g9GCVYNR34c/Ksv2JO+JkrKLeqBLg3wrRxXie3yiIxPc/V3o4xUt0GkxikOYmzSyEZU27M4vjTkJUlA6JH2XFE8sALW4HkfGycdWZ7zwxF1"
            + "TPC/sHmsAJfwfSjvBRLI+cBGPS3Mw6yYpKH5FBTMKnvHL4p0+g==";
    static final String V4_SIGNATURE = "d7128eabd86b8ae3c97e104aa03e07c39dc808d0";

    /** From the URL-verification example in WeCom's official WXBizMsgCrypt sample code. */
    static final String V5_TOKEN = "QDG6eK";
    static final String V5_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final String V5_CORP_ID = "wx5823bf96d3bd56c7";
    static final String V5_ECHOSTR = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+"
            + "FZXvnaqQ==";

    private static byte[] range(int from) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    private static WeComCallback fixed(String receiveId, byte[] random, String nonce, long epochSecond) {
        return WeComCallback.builder().token(TOKEN).encodingAesKey(KEY).receiveIds(receiveId)
                .random(new FixedRandom(random, nonce))
                .clock(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC))
                .build();
    }

    @Test
    void encrypt_v1ChineseReply_matchesPythonVectorByteForByte() {
        EncryptedMessage m = fixed(CORP_ID, range(0x10), "1234567890", 1_700_000_000L).encrypt(V1_XML);

        assertEquals(V1_ENCRYPT, m.encrypt());
        assertEquals(V1_SIGNATURE, m.msgSignature());
        assertEquals("1700000000", m.timestamp());
        assertEquals("1234567890", m.nonce());
        assertEquals("<xml><Encrypt><![CDATA[" + V1_ENCRYPT + "]]></Encrypt><MsgSignature><![CDATA[" + V1_SIGNATURE
                + "]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[1234567890]]></Nonce></xml>",
                m.toXml());
    }

    @Test
    void encryptReply_v1_isTheEnvelopeOfEncrypt() {
        String reply = fixed(CORP_ID, range(0x10), "1234567890", 1_700_000_000L).encryptReply(V1_XML);

        assertEquals(new EncryptedMessage(V1_ENCRYPT, V1_SIGNATURE, "1700000000", "1234567890").toXml(), reply);
    }

    @Test
    void decrypt_v1PythonCiphertext_yieldsTheChineseTextByUtf8Length() {
        CallbackEvent event = fixed(CORP_ID, range(0x10), "1234567890", 1_700_000_000L)
                .decrypt(V1_SIGNATURE, "1700000000", "1234567890", ReferenceCrypto.envelope("zhangsan", V1_ENCRYPT));

        OtherEvent text = assertInstanceOf(OtherEvent.class, event);
        assertEquals("你好，企业微信", text.fields().get("Content"));
        assertEquals("text", text.fields().get("MsgType"));
    }

    @Test
    void encrypt_v2SubscribeEvent_matchesPythonVectorByteForByte() {
        EncryptedMessage m = fixed(CORP_ID, range(0xa0), "9876543210", 1_700_000_100L).encrypt(V2_XML);

        assertEquals(V2_ENCRYPT, m.encrypt());
        assertEquals(V2_SIGNATURE, m.msgSignature());
    }

    @Test
    void decrypt_v2PythonCiphertext_yieldsSubscribeEvent() {
        CallbackEvent event = fixed(CORP_ID, range(0xa0), "9876543210", 1_700_000_100L)
                .decrypt(V2_SIGNATURE, "1700000100", "9876543210", ReferenceCrypto.envelope(CORP_ID, V2_ENCRYPT));

        SubscribeEvent s = assertInstanceOf(SubscribeEvent.class, event);
        assertEquals(CORP_ID, s.toUserName());
        assertEquals("lisi", s.fromUserName());
        assertEquals(Instant.ofEpochSecond(1_700_000_100L), s.createTime());
        assertEquals(1_000_002L, s.agentId());
        assertEquals(Map.of("ToUserName", CORP_ID, "FromUserName", "lisi", "CreateTime", "1700000100",
                "MsgType", "event", "Event", "subscribe", "AgentID", "1000002"), s.fields());
    }

    @Test
    void encrypt_v3Echostr_matchesPythonAndOpensslVector() {
        EncryptedMessage m = fixed(CORP_ID, "wecomkit-vector3".getBytes(StandardCharsets.US_ASCII), "5550001112",
                1_700_000_200L).encrypt(V3_ECHO);

        assertEquals(V3_ENCRYPT, m.encrypt());
        assertEquals(V3_SIGNATURE, m.msgSignature());
    }

    @Test
    void verifyUrl_v3PythonEchostr_returnsPlaintext() {
        String echo = fixed(CORP_ID, range(0), "0", 0).verifyUrl(V3_SIGNATURE, "1700000200", "5550001112", V3_ENCRYPT);

        assertEquals(V3_ECHO, echo);
    }

    @Test
    void encrypt_v4SuiteTicketFillingWholeBlocks_padsAFull32ByteBlock() {
        EncryptedMessage m = fixed(SUITE_ID, new byte[16], "0000000001", 1_700_000_300L).encrypt(V4_XML);

        assertEquals(V4_ENCRYPT, m.encrypt());
        assertEquals(V4_SIGNATURE, m.msgSignature());
        byte[] plain = new ReferenceCrypto(TOKEN, KEY).decryptRaw(m.encrypt());
        for (int i = plain.length - 32; i < plain.length; i++) {
            assertEquals(32, plain[i], "padding byte " + i);
        }
    }

    @Test
    void decrypt_v4PythonCiphertext_yieldsSuiteTicketEvent() {
        CallbackEvent event = fixed(SUITE_ID, range(0), "0", 0)
                .decrypt(V4_SIGNATURE, "1700000300", "0000000001", ReferenceCrypto.envelope(SUITE_ID, V4_ENCRYPT));

        SuiteTicketEvent t = assertInstanceOf(SuiteTicketEvent.class, event);
        assertEquals(SUITE_ID, t.suiteId());
        assertEquals("ticket-xxxx", t.suiteTicket());
        assertEquals(Instant.ofEpochSecond(1_700_000_300L), t.timestamp());
    }

    @Test
    void verifyUrl_officialWeComSample_returnsPublishedEcho() {
        WeComCallback official = WeComCallback.builder().token(V5_TOKEN).encodingAesKey(V5_KEY)
                .receiveIds(V5_CORP_ID).build();

        String echo = official.verifyUrl("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
                V5_ECHOSTR);

        assertEquals("1616140317555161061", echo);
    }

    @Test
    void referenceCrypto_reproducesPythonVectors_soTamperTestsBuildOnATrustedBase() {
        ReferenceCrypto reference = new ReferenceCrypto(TOKEN, KEY);

        assertEquals(V1_ENCRYPT, reference.encrypt(range(0x10), V1_XML, CORP_ID));
        assertEquals(V1_SIGNATURE, reference.sign("1700000000", "1234567890", V1_ENCRYPT));
        assertEquals(V4_ENCRYPT, reference.encrypt(new byte[16], V4_XML, SUITE_ID));
        assertArrayEquals(ReferenceCrypto.pad32(ReferenceCrypto.layout(range(0xa0), V2_XML, CORP_ID)),
                reference.decryptRaw(V2_ENCRYPT));
    }
}
