package io.switchboard.tenancy.secrets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SSLContext} for the store's {@link java.net.http.HttpClient}, from {@link VaultTls}.
 *
 * <p>Not the driver's {@code SslConfig}, on purpose (vault-java-driver 6.2.1): the driver ignores
 * {@code SslConfig} whenever {@code VaultConfig.httpClient(...)} is set, which the store does to
 * reuse connections; its {@code pemUTF8}/{@code pemFile} trust only the first certificate of a
 * bundle; its contexts are {@code TLSv1.2} only; and its {@code build()} reads
 * {@code VAULT_SSL_CERT}/{@code VAULT_SSL_VERIFY} from the process environment. The context here
 * trusts every certificate of the PEM file and speaks TLS 1.2 and 1.3. The HTTP client checks the
 * hostname against the address, as it does with the JVM's trust.
 */
final class VaultSslContexts {

  private VaultSslContexts() {
  }

  /** Empty for {@link VaultTls.JvmTrust}: the HTTP client's default context. */
  static Optional<SSLContext> of(VaultTls tls) {
    try {
      if (tls instanceof VaultTls.CustomCa ca) {
        return Optional.of(trusting(ca.certificates()));
      }
      if (tls instanceof VaultTls.SkipVerify) {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustingEverything()}, null);
        return Optional.of(context);
      }
      return Optional.empty();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS for Vault: " + e.getMessage(), e);
    }
  }

  private static SSLContext trusting(List<X509Certificate> certificates) throws GeneralSecurityException {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    try {
      anchors.load(null, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < certificates.size(); i++) {
      anchors.setCertificateEntry("ca-" + i, certificates.get(i));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * Accepts any certificate for any host. An extended trust manager, so that the JDK does not add
   * its own hostname check around it (it does around a plain {@code X509TrustManager}).
   */
  private static final class TrustingEverything extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
