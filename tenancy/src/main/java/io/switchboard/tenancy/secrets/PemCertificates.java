package io.switchboard.tenancy.secrets;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CA certificates given as PEM text, from a file or a tenant's secret: every
 * {@code CERTIFICATE} block, in order; other blocks (keys, parameters) and text between blocks are
 * ignored.
 */
public final class PemCertificates {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", Pattern.DOTALL);

  private PemCertificates() {
  }

  /** One or more certificates; fails naming {@code label} and {@code source} when there is none or one is broken. */
  public static List<X509Certificate> parse(String pem, String source, String label) {
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
          + "the server's certificate); a binary (DER) certificate can be converted with "
          + "'openssl x509 -inform der -in ca.der -out ca.pem'");
    }
    return certificates;
  }

  /** The certificates as PEM text again, one block each: what TLS libraries that take PEM read without surprises. */
  public static String toPem(List<X509Certificate> certificates) {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder pem = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        pem.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(certificate.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return pem.toString();
  }
}
