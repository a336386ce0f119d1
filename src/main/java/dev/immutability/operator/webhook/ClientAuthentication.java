package dev.immutability.operator.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whether an admission request came from the API server: it presents a client certificate signed by the CA in
 * WEBHOOK_CLIENT_CA_FILE (its WebhookAdmissionConfiguration kubeconfig). Without that CA nothing can be verified,
 * and sessions heard are recorded as unauthenticated.
 */
final class ClientAuthentication {
  private final TrustManager[] trustManagers;

  private ClientAuthentication(TrustManager[] trustManagers) {
    this.trustManagers = trustManagers;
  }

  static ClientAuthentication from(Path caFile) {
    if (caFile == null) {
      return new ClientAuthentication(null);
    }
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("client-ca-" + index++, ca);
      }
      if (index == 0) {
        throw new IllegalArgumentException("no certificate in WEBHOOK_CLIENT_CA_FILE " + caFile);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return new ClientAuthentication(factory.getTrustManagers());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read WEBHOOK_CLIENT_CA_FILE " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use WEBHOOK_CLIENT_CA_FILE " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** Whether requests must carry a verified client certificate. */
  boolean required() {
    return trustManagers != null;
  }

  /** Trust for client certificates; null (none asked for) when not required. */
  TrustManager[] trustManagers() {
    return trustManagers;
  }

  /** The TLS handshake verified a client certificate against the CA (an unverifiable one fails the handshake). */
  boolean verified(HttpExchange exchange) {
    if (!required() || !(exchange instanceof HttpsExchange https)) {
      return false;
    }
    try {
      return https.getSSLSession().getPeerCertificates().length > 0;
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }
}
