package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas serve the webhook with one identity shared through a Secret: whichever replica the API server
 * reaches, its certificate verifies against the caBundle in the webhook configuration, before, during and after a
 * rotation (certificates valid 60 s, replaced 45 s before expiry, checked every 2 s).
 */
@ExtendWith(ClusterExtension.class)
class WebhookHaIT {

  private static Map<String, String> replica(TestCluster cluster) {
    return Map.of("WEBHOOK_TLS", "secret", "WEBHOOK_TLS_SECRET", "webhook-tls", "POD_NAMESPACE", cluster.namespace(),
        "WEBHOOK_CERT_VALIDITY", "60s", "WEBHOOK_CERT_RENEW_BEFORE", "45s", "WEBHOOK_CERT_REFRESH", "2s");
  }

  private static List<X509Certificate> caBundle(TestCluster cluster) throws Exception {
    ValidatingWebhookConfiguration configuration = cluster.client().admissionRegistration().v1()
        .validatingWebhookConfigurations().withName("immutability-" + cluster.namespace()).get();
    String pem = new String(Base64.getDecoder().decode(configuration.getWebhooks().get(0).getClientConfig()
        .getCaBundle()), StandardCharsets.UTF_8);
    return KeyManagers.readCertificates(new StringReader(pem), "caBundle");
  }

  /** The serving certificate of a replica, which must verify against the bundle (the handshake fails otherwise). */
  private static X509Certificate served(OperatorHarness replica, List<X509Certificate> bundle) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    for (int i = 0; i < bundle.size(); i++) {
      trusted.setCertificateEntry("ca-" + i, bundle.get(i));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
        replica.webhookAddress().getPort())) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void bothReplicasServeOneIdentityTheCaBundleTrustsThroughARotation(TestCluster cluster) throws Exception {
    OperatorHarness first = OperatorHarness.start(cluster, replica(cluster));
    OperatorHarness second = OperatorHarness.start(cluster, replica(cluster));
    try {
      List<OperatorHarness> replicas = List.of(first, second);
      List<Set<BigInteger>> observations = new ArrayList<>();
      List<Integer> bundleSizes = new ArrayList<>();
      // Every observation must verify; it ends once both replicas serve one certificate that is not the first.
      await("a rotation served by both replicas").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
          .until(() -> {
            List<X509Certificate> bundle = caBundle(cluster);
            bundleSizes.add(bundle.size());
            Set<BigInteger> now = new HashSet<>();
            for (OperatorHarness replica : replicas) {
              now.add(served(replica, bundle).getSerialNumber());
            }
            observations.add(now);
            return now.size() == 1 && !now.equals(observations.get(0));
          });
      assertThat(observations.get(0)).as("one identity from the start").hasSize(1);
      assertThat(bundleSizes).as("both CAs are trusted while the next certificate is staged").contains(2);
      String secretCa = new String(Base64.getDecoder().decode(cluster.client().secrets()
          .inNamespace(cluster.namespace()).withName("webhook-tls").get().getData().get("ca.crt")),
          StandardCharsets.UTF_8);
      assertThat(KeyManagers.readCertificates(new StringReader(secretCa), "Secret")).isEqualTo(caBundle(cluster));
    } finally {
      first.close();
      second.close();
    }
  }
}
