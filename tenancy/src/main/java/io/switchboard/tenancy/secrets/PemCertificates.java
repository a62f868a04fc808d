package io.switchboard.tenancy.secrets;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads every {@code CERTIFICATE} block of PEM text; other blocks (keys, parameters) are ignored. */
final class PemCertificates {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

  private PemCertificates() {
  }

  /** One or more certificates; fails naming {@code label} and {@code source} when there is none or one is broken. */
  static List<X509Certificate> parse(String pem, String source, String label) {
    Matcher block = BLOCK.matcher(pem);
    List<X509Certificate> certificates = new ArrayList<>();
    while (block.find()) {
      int number = certificates.size() + 1;
      try {
        byte[] der = Base64.getMimeDecoder().decode(block.group(1).strip());
        certificates.add((X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)));
      } catch (IllegalArgumentException | CertificateException e) {
        throw new IllegalArgumentException(label + ": certificate " + number + " in " + source
            + " is not a valid X.509 certificate (" + e.getMessage() + ")");
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(label + ": " + source + " holds no PEM certificate; it must contain one or "
          + "more blocks from '-----BEGIN CERTIFICATE-----' to '-----END CERTIFICATE-----' (the CA that signed "
          + "Vault's certificate); a binary (DER) file can be converted with "
          + "'openssl x509 -inform der -in ca.der -out ca.pem'");
    }
    return certificates;
  }
}
