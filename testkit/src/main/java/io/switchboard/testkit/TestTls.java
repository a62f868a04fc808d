package io.switchboard.testkit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority made at test time with the JDK's {@code keytool}, for loopback
 * stand-ins that speak HTTPS. One set per JVM (about two seconds of keytool runs), in a temporary
 * directory:
 * <ul>
 *   <li>{@link #caPem()}: the test CA ({@code CN=Switchboard Test CA}) as PEM, also in {@link #caPemFile()};</li>
 *   <li>{@link #otherCaPem()}: an unrelated CA that signed nothing we serve, for "wrong CA" tests;</li>
 *   <li>{@link #serverContext()} / {@link #serverKeyStore()}: a server key and certificate signed by the
 *       test CA for {@code localhost} and {@code 127.0.0.1}, with the CA in its chain;</li>
 *   <li>{@link #wrongNameServerContext()} / {@link #wrongNameServerKeyStore()}: the same CA, but a certificate
 *       for {@code elsewhere.example} only.</li>
 * </ul>
 * Nothing here is a secret: the keys exist only for the test run.
 */
public final class TestTls {

  /** The password of every key store here. */
  public static final String PASSWORD = "test-only";

  private static TestTls shared;

  private final Path dir;
  private final String caPem;
  private final String otherCaPem;
  private final KeyStore server;
  private final KeyStore wrongNameServer;

  private TestTls(Path dir) throws IOException, GeneralSecurityException {
    this.dir = dir;
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3",
        "-dname", "CN=Switchboard Test CA", "-ext", "bc:c", "-keystore", "ca.p12");
    keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-rfc", "-file", "ca.pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3",
        "-dname", "CN=Unrelated Test CA", "-ext", "bc:c", "-keystore", "other-ca.p12");
    keytool("-exportcert", "-alias", "ca", "-keystore", "other-ca.p12", "-rfc", "-file", "other-ca.pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3",
        "-dname", "CN=localhost", "-keystore", "server.p12");
    keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
    keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile", "server.pem",
        "-rfc", "-validity", "3", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth");
    keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile", "elsewhere.pem",
        "-rfc", "-validity", "3", "-ext", "SAN=dns:elsewhere.example", "-ext", "EKU=serverAuth");
    this.caPem = Files.readString(dir.resolve("ca.pem"));
    this.otherCaPem = Files.readString(dir.resolve("other-ca.pem"));
    this.server = chain("server.pem", "server-chain.p12");
    this.wrongNameServer = chain("elsewhere.pem", "elsewhere-chain.p12");
  }

  /** The set for this JVM, made on first use. */
  public static synchronized TestTls shared() {
    if (shared == null) {
      try {
        shared = new TestTls(Files.createTempDirectory("switchboard-test-tls"));
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("could not make the test CA with keytool", e);
      }
    }
    return shared;
  }

  /** The test CA's certificate, PEM. */
  public String caPem() {
    return caPem;
  }

  /** A file holding {@link #caPem()}. */
  public Path caPemFile() {
    return dir.resolve("ca.pem");
  }

  /** A CA certificate (PEM) that did not sign any server certificate here. */
  public String otherCaPem() {
    return otherCaPem;
  }

  /** A file holding {@link #otherCaPem()}. */
  public Path otherCaPemFile() {
    return dir.resolve("other-ca.pem");
  }

  /** A PKCS#12 file (password {@value #PASSWORD}) with the localhost server key and its chain, for Vert.x servers. */
  public Path serverKeyStore() {
    return dir.resolve("server-chain.p12");
  }

  /** Like {@link #serverKeyStore()}, with the certificate for {@code elsewhere.example} only. */
  public Path wrongNameServerKeyStore() {
    return dir.resolve("elsewhere-chain.p12");
  }

  /** A server-side context presenting the certificate for {@code localhost} and {@code 127.0.0.1}. */
  public SSLContext serverContext() {
    return context(server);
  }

  /** A server-side context presenting a certificate from the test CA for {@code elsewhere.example} only. */
  public SSLContext wrongNameServerContext() {
    return context(wrongNameServer);
  }

  /** The server key with a signed certificate and the CA as its chain, also written to {@code storeFile}. */
  private KeyStore chain(String signedPem, String storeFile) throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      keys.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) keys.getKey("server", PASSWORD.toCharArray());
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    List<Certificate> chain = new ArrayList<>(x509.generateCertificates(
        new ByteArrayInputStream(Files.readAllBytes(dir.resolve(signedPem)))));
    chain.addAll(x509.generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
    try (OutputStream out = Files.newOutputStream(dir.resolve(storeFile))) {
      store.store(out, PASSWORD.toCharArray());
    }
    return store;
  }

  private static SSLContext context(KeyStore keys) {
    try {
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("keytool " + String.join(" ", args) + " failed: "
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
  }
}
