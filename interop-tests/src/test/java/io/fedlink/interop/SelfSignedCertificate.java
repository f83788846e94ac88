package io.fedlink.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made with the JDK's keytool (no openssl): a
 * PKCS12 key store for grpc-java, the certificate as PEM for clients to trust, and (for the Python server) the
 * private key as PKCS#8 PEM.
 */
final class SelfSignedCertificate {

    private static final String ALIAS = "fedlink-test";

    private final Path keyStore;
    private final char[] password;
    private final Path certificatePem;

    private SelfSignedCertificate(Path keyStore, char[] password, Path certificatePem) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificatePem = certificatePem;
    }

    static SelfSignedCertificate create(Path dir) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path keyStore = dir.resolve("server.p12");
        Path pem = dir.resolve("server-cert.pem");
        String password = "changeit";
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(keyStore);
            keytool(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                    "-validity", "2", "-dname", "CN=localhost, O=fedlink tests", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password));
            keytool(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(),
                    "-storetype", "PKCS12", "-storepass", password, "-file", pem.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot make a self-signed certificate in " + dir, e);
        }
        return new SelfSignedCertificate(keyStore, password.toCharArray(), pem);
    }

    private static void keytool(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish within 60 s: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running keytool", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (exit code " + process.exitValue() + "): " + output);
        }
    }

    /** The certificate as PEM: what a client trusts as its root. */
    Path certificatePem() {
        return certificatePem;
    }

    /** Key managers over the PKCS12 key store, for a grpc-java TLS server. */
    KeyManagerFactory keyManagerFactory() {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(load(), password);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot read the key store " + keyStore, e);
        }
    }

    /** Writes the private key as PKCS#8 PEM next to the key store (for servers that take PEM files). */
    Path writePrivateKeyPem() {
        try {
            Key key = load().getKey(ALIAS, password);
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
            Path pem = keyStore.resolveSibling("server-key.pem");
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
            return pem;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot export the private key from " + keyStore, e);
        }
    }

    private KeyStore load() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, password);
        }
        return store;
    }

    @Override
    public String toString() {
        return keyStore.toString();
    }
}
