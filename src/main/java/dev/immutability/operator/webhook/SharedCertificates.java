package dev.immutability.operator.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook identity for every replica: the CA and serving certificate live in a Secret that all replicas serve
 * from. Whichever replica first finds the Secret missing creates it; whichever finds the certificate due for
 * renewal stages the next one and trusts both CAs ({@code ca.crt}), and promotes it to {@code tls.crt} once every
 * replica has had time to publish that bundle. Writes carry the Secret's resourceVersion, so concurrent replicas
 * never overwrite each other: the loser reads what the winner wrote.
 */
final class SharedCertificates {
  static final String CHAIN = "tls.crt";
  static final String KEY = "tls.key";
  static final String CA_BUNDLE = "ca.crt";
  static final String NEXT_CHAIN = "next.crt";
  static final String NEXT_KEY = "next.key";
  static final String STAGED_AT = "immutability.dev/next-certificate-staged-at";
  private static final int HTTP_CONFLICT = 409;
  private static final String PEM_END = "-----END CERTIFICATE-----";
  private static final Logger log = LoggerFactory.getLogger(SharedCertificates.class);

  /** What a replica serves and what the API server must trust. */
  record Material(String chainPem, String keyPem, String caBundlePem) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final List<String> hosts;
  private final Duration validity;
  private final Duration renewBefore;
  private final Duration promoteAfter;
  private final Clock clock;

  /**
   * @param promoteAfter how long a staged certificate waits before it is served: longer than the replicas'
   *     refresh period, so every replica has published the bundle that trusts it
   */
  SharedCertificates(KubernetesClient client, String namespace, String name, List<String> hosts, Duration validity,
      Duration renewBefore, Duration promoteAfter, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.hosts = hosts;
    this.validity = validity;
    this.renewBefore = renewBefore;
    this.promoteAfter = promoteAfter;
    this.clock = clock;
  }

  /** Reads the shared identity, creating, staging or promoting certificates when they are due. */
  Material sync() {
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
          return material(create());
        }
        Map<String, String> data = decoded(secret);
        if (!data.containsKey(CHAIN) || !data.containsKey(KEY) || !data.containsKey(CA_BUNDLE)) {
          return material(replace(secret));
        }
        Instant now = clock.instant();
        if (!data.containsKey(NEXT_CHAIN) && now.isAfter(notAfter(data.get(CHAIN)).minus(renewBefore))) {
          return material(stage(secret, data, now));
        }
        if (data.containsKey(NEXT_CHAIN) && !now.isBefore(stagedAt(secret).plus(promoteAfter))) {
          return material(promote(secret, data));
        }
        return material(data);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HTTP_CONFLICT) {
          throw e;
        }
        // Another replica wrote first: read what it wrote.
      }
    }
    throw new IllegalStateException("Secret " + namespace + "/" + name + " keeps changing under concurrent writes");
  }

  private Map<String, String> create() {
    SelfManagedCertificates issued = SelfManagedCertificates.issue(hosts, validity);
    Map<String, String> data = Map.of(CHAIN, issued.servingChainPem(), KEY, issued.servingKeyPem(),
        CA_BUNDLE, issued.caBundlePem());
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(namespace).endMetadata().withType("kubernetes.io/tls").withData(encoded(data)).build()).create();
    log.info("created the shared webhook certificate in Secret {}/{}; valid until {}", namespace, name,
        issued.notAfter());
    return data;
  }

  /** A Secret of that name without a usable identity (made by hand, truncated) is given a fresh one. */
  private Map<String, String> replace(Secret secret) {
    SelfManagedCertificates issued = SelfManagedCertificates.issue(hosts, validity);
    Map<String, String> data = Map.of(CHAIN, issued.servingChainPem(), KEY, issued.servingKeyPem(),
        CA_BUNDLE, issued.caBundlePem());
    write(secret, data);
    log.warn("Secret {}/{} held no usable webhook certificate; issued a new one", namespace, name);
    return data;
  }

  /** Trust the next CA beside the current one first; it is served only after {@code promoteAfter}. */
  private Map<String, String> stage(Secret secret, Map<String, String> data, Instant now) {
    SelfManagedCertificates next = SelfManagedCertificates.issue(hosts, validity);
    Map<String, String> staged = new HashMap<>(data);
    staged.put(NEXT_CHAIN, next.servingChainPem());
    staged.put(NEXT_KEY, next.servingKeyPem());
    staged.put(CA_BUNDLE, next.caBundlePem() + firstCertificate(data.get(CA_BUNDLE)));
    secret.getMetadata().setAnnotations(new HashMap<>(Map.of(STAGED_AT, now.toString())));
    write(secret, staged);
    log.info("staged the next webhook certificate in Secret {}/{}; both CAs are trusted", namespace, name);
    return data;
  }

  private Map<String, String> promote(Secret secret, Map<String, String> data) {
    Map<String, String> promoted = new HashMap<>(data);
    promoted.put(CHAIN, promoted.remove(NEXT_CHAIN));
    promoted.put(KEY, promoted.remove(NEXT_KEY));
    secret.getMetadata().setAnnotations(null);
    write(secret, promoted);
    log.info("webhook certificate rotated in Secret {}/{}; valid until {}", namespace, name,
        notAfter(promoted.get(CHAIN)));
    return promoted;
  }

  /** An update conditional on the resourceVersion read. */
  private void write(Secret secret, Map<String, String> data) {
    secret.setData(encoded(data));
    secret.setStringData(null);
    client.secrets().inNamespace(namespace).resource(secret).update();
  }

  private static Material material(Map<String, String> data) {
    return new Material(data.get(CHAIN), data.get(KEY), data.get(CA_BUNDLE));
  }

  private static Instant stagedAt(Secret secret) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(STAGED_AT);
    return text == null ? Instant.EPOCH : Instant.parse(text);
  }

  static Instant notAfter(String chainPem) {
    if (chainPem == null) {
      return Instant.EPOCH;
    }
    try {
      List<X509Certificate> chain = KeyManagers.readCertificates(new StringReader(chainPem), "the shared certificate");
      return chain.get(0).getNotAfter().toInstant();
    } catch (IOException | IndexOutOfBoundsException e) {
      // Unreadable is as good as expired: it gets replaced.
      return Instant.EPOCH;
    }
  }

  private static String firstCertificate(String bundle) {
    int end = bundle.indexOf(PEM_END);
    return end < 0 ? "" : bundle.substring(0, end + PEM_END.length()) + "\n";
  }

  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> data = new HashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return data;
  }

  private static Map<String, String> encoded(Map<String, String> data) {
    Map<String, String> encoded = new HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return encoded;
  }
}
