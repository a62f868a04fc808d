package io.switchboard.tenancy.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How the {@link VaultSecretStore} checks the certificate of a Vault server at an {@code https://}
 * address. Hostnames are always checked against the address, except with {@link SkipVerify}.
 * {@code toString} names the CA file and its certificates' subjects, never the PEM text.
 */
public sealed interface VaultTls {

  /** The JVM's trust store: the public CAs shipped with Java, or what {@code javax.net.ssl.trustStore} names. */
  record JvmTrust() implements VaultTls {
  }

  /**
   * Only these CA certificates are trusted (the JVM's are not), as with Vault's own
   * {@code VAULT_CACERT}.
   *
   * @param source where they came from (a file path), for messages
   * @param certificates one or more, in the order of the PEM file
   */
  record CustomCa(String source, List<X509Certificate> certificates) implements VaultTls {
    public CustomCa {
      if (source == null || source.isBlank()) {
        throw new IllegalArgumentException("the source of the Vault CA certificates must be named");
      }
      if (certificates == null || certificates.isEmpty()) {
        throw new IllegalArgumentException("at least one Vault CA certificate must be given");
      }
      certificates = List.copyOf(certificates);
    }

    @Override
    public String toString() {
      return "CustomCa[source=" + source + ", subjects=" + certificates.stream()
          .map(c -> c.getSubjectX500Principal().getName()).toList() + "]";
    }
  }

  /** Neither the certificate chain nor the hostname is checked. For development only; the store logs a warning. */
  record SkipVerify() implements VaultTls {
  }

  /** The default. */
  static VaultTls jvmTrust() {
    return new JvmTrust();
  }

  /** No verification at all. */
  static VaultTls skipVerify() {
    return new SkipVerify();
  }

  /**
   * The certificates of a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks; other
   * blocks are ignored). Reads the file: call it at start-up or on a worker thread, never on an
   * event loop. An unreadable file, or one without a valid certificate, fails with a message
   * naming {@code label} and the path.
   */
  static CustomCa caFile(Path file, String label) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(label + ": the CA certificate file " + file + " does not exist");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(label + ": cannot read the CA certificate file " + file + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    return caPem(new String(content, StandardCharsets.ISO_8859_1), file.toString(), label);
  }

  /** The certificates of PEM text; {@code source} says where it came from, {@code label} names the setting in errors. */
  static CustomCa caPem(String pem, String source, String label) {
    return new CustomCa(source, PemCertificates.parse(pem, source, label));
  }
}
