package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Evicts or deletes exactly the pod that was evaluated: the request carries its UID as a precondition, so a pod
 * recreated under the same name meanwhile is never removed in its place (the API server answers 409 Conflict).
 */
final class PodRemoval {
  private final KubernetesClient client;

  PodRemoval(KubernetesClient client) {
    this.client = client;
  }

  /** False when a PodDisruptionBudget refuses the eviction; throws on any other refusal. */
  boolean evict(String namespace, String name, String uid) {
    Eviction eviction = new EvictionBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withDeleteOptions(preconditions(uid)).build();
    return client.pods().inNamespace(namespace).withName(name).evict(eviction);
  }

  void delete(String namespace, String name, String uid) {
    // The typed delete() sends resourceVersion preconditions only; a UID precondition needs the options body.
    client.raw("/api/v1/namespaces/" + namespace + "/pods/" + name, "DELETE", preconditions(uid));
  }

  static boolean isPreconditionFailure(KubernetesClientException e) {
    return e.getCode() == 409;
  }

  private static DeleteOptions preconditions(String uid) {
    return new DeleteOptionsBuilder().withApiVersion("v1").withKind("DeleteOptions").withNewPreconditions()
        .withUid(uid).endPreconditions().build();
  }
}
