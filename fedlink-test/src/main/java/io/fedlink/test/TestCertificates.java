package io.fedlink.test;

import io.fedlink.test.process.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Self-signed certificates for TLS tests, made with the JDK's {@code keytool} (no openssl): PKCS12 key and trust
 * stores for Java and Spring, PEM files for grpc-java's {@code useTransportSecurity} and for Python peers. Every store
 * has the password {@value #PASSWORD}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";
    private static final Duration BOUND = Duration.ofSeconds(60);

    private TestCertificates() {
    }

    /** A PKCS12 key store {@code dir/alias.p12} with one RSA key pair, its certificate valid for localhost and 127.0.0.1. */
    public static Path keyStore(Path dir, String alias) throws IOException {
        Files.createDirectories(dir);
        Path store = dir.resolve(alias + ".p12");
        Files.deleteIfExists(store);
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost, O=" + alias,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    /** The certificate of {@code alias} in {@code keyStore}, as PEM beside it ({@code alias.pem}): what a client trusts. */
    public static Path certificatePem(Path keyStore, String alias) throws IOException {
        Path pem = keyStore.resolveSibling(alias + ".pem");
        Files.deleteIfExists(pem);
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-file", pem.toString());
        return pem;
    }

    /** A PKCS12 trust store beside {@code keyStore} ({@code alias-trust.p12}) holding the certificate of {@code alias}. */
    public static Path trustStore(Path keyStore, String alias) throws IOException {
        Path pem = certificatePem(keyStore, alias);
        Path store = keyStore.resolveSibling(alias + "-trust.p12");
        Files.deleteIfExists(store);
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD);
        return store;
    }

    /** The private key of {@code alias} as unencrypted PKCS#8 PEM beside {@code keyStore} ({@code alias-key.pem}). */
    public static Path privateKeyPem(Path keyStore, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            Key key = store.getKey(alias, PASSWORD.toCharArray());
            if (key == null) {
                throw new IOException("No key " + alias + " in " + keyStore);
            }
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
            Path pem = keyStore.resolveSibling(alias + "-key.pem");
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
            return pem;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the key " + alias + " from " + keyStore, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Commands.Result result = Commands.run(command, BOUND);
        if (!result.succeeded()) {
            throw new IOException("keytool failed (exit code " + result.exitCode() + "): " + result.output());
        }
    }
}
