package dev.immutability.operator.webhook;

import dev.immutability.operator.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A test client for the webhook's self-signed endpoint, which only the API server is meant to trust. */
public final class Tls {
  private Tls() {}

  static SSLContext trustingContext() {
    return trustingContext(null);
  }

  /** Presents the API server's webhook client certificate, where the cluster has one, as the API server does. */
  static SSLContext asApiServer(TestCluster cluster) {
    var certificate = cluster.webhookClientFile("webhook-client.crt");
    var key = cluster.webhookClientFile("webhook-client.key");
    if (certificate.isEmpty() || key.isEmpty()) {
      return trustingContext();
    }
    try {
      return trustingContext(new KeyManager[] {KeyManagers.fromPem(certificate.get(), key.get())});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpClient apiServerClient(TestCluster cluster) {
    return HttpClient.newBuilder().sslContext(asApiServer(cluster)).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static SSLContext trustingContext(KeyManager[] keyManagers) {
    X509TrustManager trustAll = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static HttpClient trustingClient() {
    return HttpClient.newBuilder().sslContext(trustingContext()).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
