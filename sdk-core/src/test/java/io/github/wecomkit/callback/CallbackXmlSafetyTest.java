package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.wecomkit.callback.CallbackException.Reason;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile XML is refused, both as the POSTed envelope and inside a correctly signed and encrypted message: no
 * DOCTYPE, no entity expansion, no file read, no network fetch (a loopback server counts requests).
 */
class CallbackXmlSafetyTest {
    private static final String TOKEN = "xmlSafety";
    private static final String KEY = "QWERTYUIOPasdfghjklZXCVBNM0123456789qwertyu";
    private static final String CORP_ID = "wwxml";
    private static final String TIMESTAMP = "1700003000";
    private static final String NONCE = "77";
    private static final String SECRET_MARKER = "file-content-that-must-never-leak";
    private static final String BILLION_LAUGHS = "<!DOCTYPE xml [<!ENTITY lol \"lol\">"
            + "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
            + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
            + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
            + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
            + "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
            + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
            + "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
            + "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
            + "<xml><Encrypt>&lol9;</Encrypt><Content>&lol9;</Content></xml>";

    @TempDir
    Path dir;

    private final ReferenceCrypto reference = new ReferenceCrypto(TOKEN, KEY);
    private final WeComCallback callback = WeComCallback.builder().token(TOKEN).encodingAesKey(KEY)
            .receiveIds(CORP_ID).build();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;
    private Path secretFile;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            fetches.incrementAndGet();
            byte[] dtd = ("<!ENTITY % all \"<!ENTITY send SYSTEM 'http://127.0.0.1:" + server.getAddress().getPort()
                    + "/leak'>\">%all;").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        server.start();
        secretFile = Files.writeString(dir.resolve("secret.txt"), SECRET_MARKER);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/evil.dtd";
    }

    private String[] hostileDocuments() {
        String file = secretFile.toUri().toString();
        return new String[] {
            "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + file + "\">]><xml><Encrypt>&xxe;</Encrypt><C>&xxe;</C></xml>",
            "<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + url() + "\">]><xml><Encrypt>&xxe;</Encrypt><C>&xxe;</C></xml>",
            "<!DOCTYPE xml SYSTEM \"" + url() + "\"><xml><Encrypt>x</Encrypt><C>&send;</C></xml>",
            "<!DOCTYPE xml [<!ENTITY % remote SYSTEM \"" + url() + "\">%remote;]><xml><Encrypt>x</Encrypt></xml>",
            "<!DOCTYPE xml PUBLIC \"-//X//Y\" \"" + url() + "\"><xml><Encrypt>x</Encrypt></xml>",
            "<!DOCTYPE xml><xml><Encrypt>x</Encrypt><MsgType>text</MsgType></xml>",
            "<!DOCTYPE xml [<!ENTITY a \"b\">]><xml><Encrypt>&a;</Encrypt><MsgType>&a;</MsgType></xml>",
            "<xml><Encrypt>&undeclared;</Encrypt><MsgType>&undeclared;</MsgType></xml>",
            BILLION_LAUGHS,
        };
    }

    private void assertRefused(String what, org.junit.jupiter.api.function.Executable call) {
        CallbackException e = assertThrows(CallbackException.class, call, what);
        assertEquals(Reason.MALFORMED_XML, e.reason(), what + ": " + e.getMessage());
        assertFalse(e.getMessage().contains(SECRET_MARKER), e.getMessage());
        assertFalse(e.getMessage().contains("lol"), e.getMessage());
    }

    @Test
    void decrypt_hostileEnvelope_throwsMalformedXmlWithoutFetchingOrReading() {
        for (String document : hostileDocuments()) {
            assertRefused(document, () -> callback.decrypt("00", TIMESTAMP, NONCE, document));
        }

        assertEquals(0, fetches.get(), "external DTD or entity fetched");
    }

    @Test
    void decrypt_hostileDecryptedMessage_throwsMalformedXmlWithoutFetchingOrReading() {
        for (String document : hostileDocuments()) {
            String encrypted = reference.encrypt(new byte[16], document, CORP_ID);
            String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
            String body = ReferenceCrypto.envelope(CORP_ID, encrypted);
            assertRefused(document, () -> callback.decrypt(signature, TIMESTAMP, NONCE, body));
        }

        assertEquals(0, fetches.get(), "external DTD or entity fetched");
    }

    @Test
    void decrypt_hostileEnvelopeWithValidEncryptInside_isStillRefused() {
        String encrypted = reference.encrypt(new byte[16], "<xml><MsgType>text</MsgType></xml>", CORP_ID);
        String signature = reference.sign(TIMESTAMP, NONCE, encrypted);
        String plain = "<xml><Encrypt>" + encrypted + "</Encrypt></xml>";
        String withDoctype = "<!DOCTYPE xml [<!ENTITY a \"b\">]>" + plain;

        assertInstanceOf(OtherEvent.class, callback.decrypt(signature, TIMESTAMP, NONCE, plain));
        assertRefused(withDoctype, () -> callback.decrypt(signature, TIMESTAMP, NONCE, withDoctype));
    }

    @Test
    void decrypt_envelopeWithTwoRootsOrNoRoot_throwsMalformedXml() {
        assertRefused("two roots", () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml/><xml/>"));
        assertRefused("empty", () -> callback.decrypt("00", TIMESTAMP, NONCE, ""));
        assertRefused("text", () -> callback.decrypt("00", TIMESTAMP, NONCE, "hello"));
        assertRefused("unclosed", () -> callback.decrypt("00", TIMESTAMP, NONCE, "<xml><Encrypt>x</Encrypt>"));
    }
}
