package dev.immutability.operator.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The install's key for ConfigMap and Secret hashes: 32 random bytes in a Secret of the operator's namespace, which
 * only the operator reads. Made by whichever replica starts first; every replica and restart uses the same one, so
 * recorded baselines keep comparing.
 */
public final class ConfigHashKey {
  static final String DATA_KEY = "key";
  private static final int HTTP_CONFLICT = 409;

  private ConfigHashKey() {}

  public static byte[] load(KubernetesClient client, String namespace, String name) {
    Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
    if (existing == null) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      try {
        client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
            .withNamespace(namespace).endMetadata().withData(Map.of(DATA_KEY, Base64.getEncoder().encodeToString(key)))
            .build()).create();
        return key;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HTTP_CONFLICT) {
          throw e;
        }
        // Another replica made it first: use that one.
        existing = client.secrets().inNamespace(namespace).withName(name).get();
      }
    }
    String encoded = existing.getData() == null ? null : existing.getData().get(DATA_KEY);
    if (encoded == null) {
      throw new IllegalStateException("Secret " + namespace + "/" + name + " has no '" + DATA_KEY
          + "': delete it to have a new hash key made (baselines are then retaken as pods are replaced)");
    }
    return Base64.getDecoder().decode(encoded);
  }
}
