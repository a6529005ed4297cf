package io.github.wecomkit;

import static io.github.wecomkit.testing.Payloads.CODE;
import static io.github.wecomkit.testing.Payloads.CORP_ID;
import static io.github.wecomkit.testing.Payloads.SECRET;
import static io.github.wecomkit.testing.Payloads.TOKEN_1;
import static io.github.wecomkit.testing.Payloads.USER_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.wecomkit.error.WeComTransportException;
import io.github.wecomkit.testing.Payloads;
import io.github.wecomkit.testing.TestCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS trust that can fail: every server here presents a certificate from the test's own CA, which the client
 * trusts through {@code sslContext(..)}. Only hostname verification refuses the one that names another host, and
 * the same CA's certificate for the right name is accepted (the positive control).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTrustTest {
    private HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();

    /** A WeCom stand-in on 127.0.0.1 presenting {@code certificate}; it answers gettoken and jscode2session. */
    private int serve(String certificate) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(TestCa.get().serverContext(certificate)));
        server.createContext("/cgi-bin/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            byte[] body = (path.endsWith("/gettoken") ? Payloads.token(TOKEN_1, 7200)
                    : Payloads.session(CORP_ID, USER_ID)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static WeComClient client(String baseUrl, boolean trustTestCa) {
        WeComClient.Builder b = WeComClient.builder().corpId(CORP_ID).secret(SECRET).baseUrl(baseUrl)
                .retryPolicy(RetryPolicy.none());
        return (trustTestCa ? b.sslContext(TestCa.get().clientContext()) : b).build();
    }

    @Test
    void login_whenATrustedCertificateNamesAnotherHost_isRefusedBeforeAnythingIsSent() throws IOException {
        int port = serve(TestCa.WRONG);

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client("https://127.0.0.1:" + port, true).login(CODE));

        assertFalse(e.mayHaveReachedWeCom());
        assertTrue(e.getMessage().contains("could not connect to 127.0.0.1:" + port + ": the TLS handshake failed"),
                e.getMessage());
        assertTrue(e.getMessage().contains("name the host"), e.getMessage());
        assertEquals(0, requests.get(), "no request reached the server");
    }

    @Test
    void login_whenATrustedCertificateNamesThisHost_succeeds() throws IOException {
        int port = serve(TestCa.RIGHT);

        assertEquals(USER_ID, client("https://127.0.0.1:" + port, true).login(CODE).userId());
        assertEquals(2, requests.get());
    }

    @Test
    void login_byHostName_checksTheNameAgainstTheCertificate() throws IOException {
        // "localhost" is a DNS name in the right certificate and absent from the wrong one (SNI is sent for it)
        int port = serve(TestCa.RIGHT);
        assertEquals(USER_ID, client("https://localhost:" + port, true).login(CODE).userId());
        stop();

        int wrongPort = serve(TestCa.WRONG);
        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client("https://localhost:" + wrongPort, true).login(CODE));
        assertTrue(e.getMessage().contains("the TLS handshake failed"), e.getMessage());
    }

    @Test
    void login_withoutSslContext_usesTheJdkTrustStore_whichDoesNotHoldTheTestCa() throws IOException {
        int port = serve(TestCa.RIGHT);

        WeComTransportException e = assertThrows(WeComTransportException.class,
                () -> client("https://127.0.0.1:" + port, false).login(CODE));

        assertFalse(e.mayHaveReachedWeCom());
        assertTrue(e.getMessage().contains("the TLS handshake failed"), e.getMessage());
        assertEquals(0, requests.get());
    }
}
