package io.github.wecomkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made for this test run with the JDK's {@code keytool} (nothing binary is committed), and
 * two server certificates it signed for one key: {@link #RIGHT} names 127.0.0.1 and localhost, {@link #WRONG} names
 * only {@code wrong.example.com}. A client trusting {@link #clientContext()} trusts both; only hostname
 * verification tells them apart.
 */
public final class TestCa {
    /** SAN IP:127.0.0.1 and DNS:localhost. */
    public static final String RIGHT = "right";
    /** SAN DNS:wrong.example.com, trusted all the same. */
    public static final String WRONG = "wrong";
    public static final String PASSWORD = "changeit";

    private static TestCa instance;

    private final Path dir;
    private final Certificate caCert;
    private final PrivateKey serverKey;
    private final Certificate right;
    private final Certificate wrong;

    /** @return the CA of this JVM, made on first use (five keytool runs in three rounds, a few seconds) */
    public static synchronized TestCa get() {
        if (instance == null) {
            try {
                instance = new TestCa(Files.createTempDirectory("wecomkit-test-ca"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException | InterruptedException e) {
                throw new IllegalStateException("could not make the test CA", e);
            }
        }
        return instance;
    }

    private TestCa(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(new Thread(this::delete));
        // three rounds of keytool runs, the independent ones side by side (each run starts a JVM)
        together(start("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=wecomkit test CA",
                        "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", file("ca.p12"),
                        "-storepass", PASSWORD),
                start("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=wecomkit test server",
                        "-validity", "2", "-storetype", "PKCS12", "-keystore", file("server.p12"),
                        "-storepass", PASSWORD));
        together(start("-certreq", "-alias", "server", "-keystore", file("server.p12"), "-storepass", PASSWORD,
                "-file", file("server.csr")));
        together(sign("SAN=IP:127.0.0.1,DNS:localhost", RIGHT), sign("SAN=DNS:wrong.example.com", WRONG));

        KeyStore ca = load(dir.resolve("ca.p12"));
        this.caCert = ca.getCertificate("ca");
        this.serverKey = (PrivateKey) load(dir.resolve("server.p12")).getKey("server", PASSWORD.toCharArray());
        this.right = readPem(RIGHT);
        this.wrong = readPem(WRONG);
        for (String name : new String[] {RIGHT, WRONG}) {
            try (OutputStream out = Files.newOutputStream(serverKeyStore(name))) {
                serverStore(name).store(out, PASSWORD.toCharArray());
            }
        }
    }

    /** @return an SSL context that trusts this CA only */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a server SSL context presenting the {@link #RIGHT} or {@link #WRONG} certificate */
    public SSLContext serverContext(String name) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(serverStore(name), PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a PKCS12 file (password {@link #PASSWORD}) with the server key and that certificate's chain */
    public Path serverKeyStore(String name) {
        return dir.resolve(name + ".p12");
    }

    private KeyStore serverStore(String name) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", serverKey, PASSWORD.toCharArray(),
                new Certificate[] {RIGHT.equals(name) ? right : wrong, caCert});
        return ks;
    }

    private Process sign(String san, String name) throws IOException {
        return start("-gencert", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD,
                "-infile", file("server.csr"), "-outfile", file(name + ".pem"), "-rfc", "-validity", "2",
                "-ext", san);
    }

    private Certificate readPem(String name) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".pem"))) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived JVM: the C1 compiler alone halves its start-up CPU
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void together(Process... runs) throws IOException, InterruptedException {
        for (Process p : runs) {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
        }
    }

    private void delete() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
