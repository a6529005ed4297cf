package io.github.wecomkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and server certificates made at test time with the JDK's own {@code keytool} (every JDK has it),
 * written as the PEM files redis-server reads; the private key is converted to PEM here.
 */
final class TestCertificates {
    private static final String PASS = "changeit";

    private TestCertificates() {
    }

    /** A CA: its key store (to sign with) and its certificate as PEM (to trust). */
    record Ca(Path dir, String name, Path keyStore, Path certPem) {
        /**
         * One server key and, for each {@code san} (e.g. {@code ip:127.0.0.1}), a certificate for it signed by
         * this CA.
         */
        Server issue(String serverName, String... sans) {
            Path store = dir.resolve(serverName + ".p12");
            Path csr = dir.resolve(serverName + ".csr");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + serverName, "-validity", "3", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS);
            keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-storepass", PASS,
                    "-file", csr.toString());
            List<Path> certs = new ArrayList<>();
            for (int i = 0; i < sans.length; i++) {
                Path cert = dir.resolve(serverName + "-" + i + ".crt");
                keytool("-gencert", "-alias", "ca", "-keystore", keyStore.toString(), "-storepass", PASS,
                        "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity", "3",
                        "-ext", "san=" + sans[i], "-ext", "EKU=serverAuth");
                certs.add(cert);
            }
            Path key = dir.resolve(serverName + ".key");
            writePrivateKeyPem(store, key);
            return new Server(List.copyOf(certs), key);
        }
    }

    /** A server's certificates (one per subject alternative name asked for) and private key, PEM. */
    record Server(List<Path> certPems, Path keyPem) {
    }

    static Ca newCa(Path dir, String name) {
        Path store = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "3", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASS, "-keypass", PASS);
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            Files.writeString(pem, pem("CERTIFICATE", ks.getCertificate("ca").getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new Ca(dir, name, store, pem);
    }

    /** A key store holding only the CA's certificate: what {@code trustStore(..)} takes. */
    static KeyStore trustStoreOf(Ca ca) {
        try (InputStream in = Files.newInputStream(ca.keyStore())) {
            KeyStore full = KeyStore.getInstance("PKCS12");
            full.load(in, PASS.toCharArray());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", full.getCertificate("ca"));
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePrivateKeyPem(Path store, Path pem) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            Key key = ks.getKey("server", PASS.toCharArray());
            Files.writeString(pem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8, which OpenSSL reads

        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IllegalStateException("the TLS tests need the JDK's keytool, not found at " + keytool
                    + ": run the build with a full JDK");
        }
        // keytool is a JVM of its own per call: start it lean, a TLS test class makes five of them.
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
        command.addAll(List.of(args));
        command.add("-noprompt");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
