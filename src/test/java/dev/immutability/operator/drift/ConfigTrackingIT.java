package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which ConfigMap changes are drift: only keys a pod reads, and never those of excluded objects. Each negative is
 * proven by a later change to a "marker" ConfigMap the same pod consumes: once the marker's change is recorded, the
 * evaluation that recorded it has seen the earlier change too.
 */
class ConfigTrackingIT extends OperatorTestBase {

  private static void configMap(String name, Map<String, String> labels, Map<String, String> data) {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(name).withLabels(labels).endMetadata().withData(data).build()).create();
  }

  private static void put(String configMap, String key, String value) {
    client.configMaps().inNamespace(cluster.namespace()).withName(configMap).edit(cm -> {
      cm.getData().put(key, value);
      return cm;
    });
  }

  private static List<String> configFindings(String pod) {
    return PodRecords.findings(workloads.pod(pod)).stream().filter(f -> f.reason() == DriftReason.ConfigChanged)
        .map(Finding::message).toList();
  }

  private static void awaitConfigFinding(String pod, String configMap) {
    await("ConfigChanged for " + configMap).atMost(Workloads.TIMEOUT).until(() -> configFindings(pod).stream()
        .anyMatch(m -> m.startsWith("ConfigMap " + configMap + " ")));
  }

  private static PodSpecBuilder readingWholly(PodSpecBuilder spec, String configMap) {
    return spec.editContainer(0).addNewEnvFrom().withNewConfigMapRef().withName(configMap).endConfigMapRef()
        .endEnvFrom().endContainer();
  }

  @Test
  void aPodReadingOneKeyDriftsOnlyWhenThatKeyChanges() {
    configMap("keyed", Map.of(), Map.of("a", "1", "b", "1"));
    configMap("keyed-marker", Map.of(), Map.of("k", "1"));
    workloads.policy("keys", "keys", Mode.Audit, spec -> {});
    workloads.deployment("keys", 1, readingWholly(Workloads.nginx(), "keyed-marker").editContainer(0)
        .addNewEnv().withName("A").withNewValueFrom().withNewConfigMapKeyRef().withName("keyed").withKey("a")
        .endConfigMapKeyRef().endValueFrom().endEnv().endContainer().build());
    Pod pod = workloads.awaitBaselines("keys", 1).get(0);
    String name = pod.getMetadata().getName();
    assertThat(PodRecords.baseline(pod).orElseThrow().configs()).containsOnlyKeys("ConfigMap/keyed[a]",
        "ConfigMap/keyed-marker");

    put("keyed", "b", "2");
    put("keyed-marker", "k", "2");
    awaitConfigFinding(name, "keyed-marker");
    assertThat(configFindings(name)).as("a key the pod does not read changed").noneMatch(m -> m.startsWith("ConfigMap keyed "));

    put("keyed", "a", "2");
    awaitConfigFinding(name, "keyed");
  }

  @Test
  void excludedConfigMapsByNameOrLabelNeverDrift() {
    configMap("rotated", Map.of(), Map.of("k", "1"));
    configMap("labelled", Map.of("rotated-by", "controller"), Map.of("k", "1"));
    configMap("excluded-marker", Map.of(), Map.of("k", "1"));
    workloads.policy("excluding", "excluding", Mode.Audit, spec -> {
      spec.getExclude().setConfigMaps(List.of("rotated"));
      spec.getExclude().setConfigSelector(new LabelSelectorBuilder().addToMatchLabels("rotated-by", "controller")
          .build());
    });
    PodSpecBuilder spec = Workloads.nginx();
    for (String configMap : List.of("rotated", "labelled", "excluded-marker")) {
      spec = readingWholly(spec, configMap);
    }
    workloads.deployment("excluding", 1, spec.build());
    String name = workloads.awaitBaselines("excluding", 1).get(0).getMetadata().getName();

    put("rotated", "k", "2");
    put("labelled", "k", "2");
    put("excluded-marker", "k", "2");
    awaitConfigFinding(name, "excluded-marker");
    assertThat(configFindings(name)).singleElement().asString().startsWith("ConfigMap excluded-marker ");
  }
}
