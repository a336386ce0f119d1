package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The durable half of a bare pod's replacement: before the drifted pod is deleted, the pod that replaces it is
 * written to a ConfigMap in the operator's own namespace (where a Role, not a cluster-wide grant, allows it), and
 * removed once the replacement exists. An operator that crashes in between finds it at start-up and finishes.
 */
final class RecreationIntents {
  static final String LABEL = "immutability.dev/recreation-intent";
  static final String ATTEMPTS_ANNOTATION = "immutability.dev/attempts";
  static final String GAVE_UP_ANNOTATION = "immutability.dev/gave-up";

  /** A pending recreation: the manifest to create, the UID of the pod it replaces, the governing policy. */
  record Intent(String id, Pod replacement, String oldUid, String policyKey, int attempts, boolean gaveUp) {
    String namespace() {
      return replacement.getMetadata().getNamespace();
    }

    String name() {
      return replacement.getMetadata().getName();
    }
  }

  private final KubernetesClient client;
  private final String namespace;

  RecreationIntents(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  Intent record(Pod replacement, String oldUid, String policyKey) {
    String id = "recreate-" + oldUid;
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(id)
        .addToLabels(LABEL, "true").addToAnnotations(ATTEMPTS_ANNOTATION, "0").endMetadata()
        .addToData("pod.json", Serialization.asJson(replacement)).addToData("oldUid", oldUid)
        .addToData("policy", policyKey).build()).create();
    return new Intent(id, replacement, oldUid, policyKey, 0, false);
  }

  /** Intents left by an earlier run for pods in the given namespaces (all, when empty). */
  List<Intent> pending(Set<String> podNamespaces) {
    return client.configMaps().inNamespace(namespace).withLabel(LABEL, "true").list().getItems().stream()
        .map(RecreationIntents::read).flatMap(Optional::stream)
        .filter(i -> podNamespaces.isEmpty() || podNamespaces.contains(i.namespace())).toList();
  }

  void attempted(Intent intent, int attempts, boolean gaveUp) {
    client.configMaps().inNamespace(namespace).withName(intent.id()).edit(cm -> {
      cm.getMetadata().getAnnotations().put(ATTEMPTS_ANNOTATION, String.valueOf(attempts));
      if (gaveUp) {
        cm.getMetadata().getAnnotations().put(GAVE_UP_ANNOTATION, "true");
      }
      return cm;
    });
  }

  void done(Intent intent) {
    client.configMaps().inNamespace(namespace).withName(intent.id()).delete();
  }

  private static Optional<Intent> read(ConfigMap cm) {
    Map<String, String> data = cm.getData();
    Map<String, String> annotations = cm.getMetadata().getAnnotations() == null ? Map.of()
        : cm.getMetadata().getAnnotations();
    if (data == null || data.get("pod.json") == null || data.get("oldUid") == null) {
      return Optional.empty();
    }
    return Optional.of(new Intent(cm.getMetadata().getName(), Serialization.unmarshal(data.get("pod.json"), Pod.class),
        data.get("oldUid"), data.getOrDefault("policy", ""),
        Integer.parseInt(annotations.getOrDefault(ATTEMPTS_ANNOTATION, "0")),
        "true".equals(annotations.get(GAVE_UP_ANNOTATION))));
  }
}
