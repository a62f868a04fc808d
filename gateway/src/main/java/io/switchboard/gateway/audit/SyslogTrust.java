package io.switchboard.gateway.audit;

import io.vertx.core.net.TrustOptions;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Whom a TLS syslog connection trusts when a CA file is configured
 * ({@code SWITCHBOARD_AUDIT_FORWARD_SYSLOG_CA_FILE}): the JVM's trust store and those CAs together,
 * so a private CA can be added without losing the public ones.
 */
public final class SyslogTrust {

  private SyslogTrust() {
  }

  /** The JVM's trusted CAs plus {@code extra}. */
  public static TrustOptions jvmAnd(List<X509Certificate> extra) {
    try {
      TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (var manager : jvm.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate ca : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jvm-" + n++, ca);
          }
        }
      }
      for (X509Certificate ca : extra) {
        store.setCertificateEntry("configured-" + n++, ca);
      }
      TrustManagerFactory both = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      both.init(store);
      return TrustOptions.wrap(both);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the syslog receiver's trust store: " + e.getMessage(), e);
    }
  }
}
