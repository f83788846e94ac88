package io.fedlink.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes self-signed PKCS12 key and trust stores with the JDK's keytool (no openssl needed). Password: changeit. */
public final class Keytool {

    public static final String PASSWORD = "changeit";

    private Keytool() {
    }

    /** A key store holding one RSA key pair whose certificate is valid for localhost and 127.0.0.1. */
    public static Path keyStore(Path dir, String alias) throws IOException, InterruptedException {
        Path store = dir.resolve(alias + ".p12");
        run("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + alias,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    /** The PEM certificate of {@code alias} in {@code keyStore}. */
    public static Path exportPem(Path keyStore, String alias) throws IOException, InterruptedException {
        Path pem = keyStore.resolveSibling(alias + ".pem");
        run("-exportcert", "-alias", alias, "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-rfc",
                "-file", pem.toString());
        return pem;
    }

    /** A trust store holding the certificate of {@code alias} from {@code keyStore}. */
    public static Path trustStore(Path keyStore, String alias) throws IOException, InterruptedException {
        Path pem = exportPem(keyStore, alias);
        Path store = keyStore.resolveSibling(alias + "-trust.p12");
        run("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(), "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD);
        return store;
    }

    private static void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("keytool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (" + process.exitValue() + "): " + Files.readString(log));
        }
    }
}
