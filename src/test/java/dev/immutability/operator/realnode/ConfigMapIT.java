package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ConfigMap change reaches the running container's mounted file (the kubelet refreshes it), the operator finds it,
 * and the pod that replaces the drifted one starts with the new content.
 */
class ConfigMapIT extends OperatorTestBase {
  private static final String READ = "while true; do echo \"greeting=$(cat /etc/settings/greeting)\"; sleep 1; done";

  @BeforeAll
  static void requireRealNode() {
    RealNode.require(cluster);
  }

  @Test
  void theMountedFileChangesAndTheReplacementStartsWithTheNewContent() {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("settings").endMetadata().addToData("greeting", "first").build()).create();
    // Audit first, to watch the running container see the change before anything is replaced.
    workloads.policy("config", "reader", Mode.Audit, spec -> {});
    workloads.deployment("reader", 1, RealNode.spec("sh", "-c", READ)
        .editFirstContainer().addNewVolumeMount().withName("settings").withMountPath("/etc/settings").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("settings").withNewConfigMap().withName("settings").endConfigMap().endVolume()
        .build());
    Pod pod = workloads.awaitBaselines("reader", 1).get(0);
    String name = pod.getMetadata().getName();
    await("first content").atMost(Workloads.TIMEOUT).until(() -> cluster.logs(name).contains("greeting=first"));

    client.configMaps().inNamespace(cluster.namespace()).withName("settings")
        .edit(c -> new ConfigMapBuilder(c).addToData("greeting", "second").build());
    await("the running container reads the new content").atMost(Duration.ofSeconds(120))
        .until(() -> cluster.logs(name).contains("greeting=second"));
    await("ConfigChanged").atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(name)).stream()
        .anyMatch(f -> f.reason() == DriftReason.ConfigChanged));

    client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace()).withName("config")
        .edit(p -> {
          p.getSpec().setMode(Mode.Remediate);
          return p;
        });
    await("replaced").atMost(Workloads.TIMEOUT).until(() -> {
      List<Pod> ready = workloads.readyPods("reader");
      return ready.size() == 1 && !ready.get(0).getMetadata().getUid().equals(pod.getMetadata().getUid());
    });
    String replacement = workloads.readyPods("reader").get(0).getMetadata().getName();
    await("the replacement reports").atMost(Workloads.TIMEOUT)
        .until(() -> cluster.logs(replacement).contains("greeting="));
    assertThat(cluster.logs(replacement).lines().findFirst()).hasValue("greeting=second");
  }
}
