package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Strategy RolloutRestart lets the Deployment controller replace its pods, with one template write. */
class RolloutRestartIT extends OperatorTestBase {

  private static String replicaSetOf(Pod pod) {
    return pod.getMetadata().getOwnerReferences().get(0).getName();
  }

  @Test
  void aConfigMapChangeRollsTheDeploymentOnceThroughANewReplicaSet() {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("rolled").endMetadata().addToData("k", "v1").build()).create();
    workloads.policy("rolled", "rolled", Mode.Remediate, spec -> spec.getRemediation()
        .setStrategy(Strategy.RolloutRestart));
    workloads.deployment("rolled", 3, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("rolled").endConfigMapRef().endEnvFrom().endContainer().build());
    List<Pod> before = workloads.awaitBaselines("rolled", 3);
    Set<String> originalUids = before.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    String originalReplicaSet = replicaSetOf(before.get(0));
    long generation = deployment().getMetadata().getGeneration();

    client.configMaps().inNamespace(cluster.namespace()).withName("rolled").edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });

    await("rolled out through a new ReplicaSet").atMost(Workloads.TIMEOUT).until(() -> {
      List<Pod> pods = workloads.pods("rolled");
      return pods.size() == 3 && pods.stream().allMatch(Workloads::isReady)
          && pods.stream().noneMatch(p -> originalUids.contains(p.getMetadata().getUid()))
          && pods.stream().noneMatch(p -> replicaSetOf(p).equals(originalReplicaSet));
    });
    Deployment rolled = deployment();
    assertThat(rolled.getMetadata().getGeneration()).as("exactly one template write").isEqualTo(generation + 1);
    assertThat(rolled.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(RolloutRestarter.RESTARTED_AT);
    assertThat(workloads.eventsFor("ImmutabilityPolicy", "rolled"))
        .filteredOn(e -> "RolloutRestarted".equals(e.getReason())).hasSize(1);
    await().atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(workloads.policy("rolled").getStatus().getDriftedPods()).isZero());

    // The restart's own pods (often made in the same second as it) are no older than it: a later drift on one of
    // them rolls the workload again instead of waiting for a rollout that already ended.
    String fresh = workloads.readyPods("rolled").get(0).getMetadata().getName();
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.baseline(workloads.pod(fresh)).isPresent());
    workloads.editImage(fresh, "nginx:1.28");
    await("rolled again").atMost(Workloads.TIMEOUT)
        .until(() -> deployment().getMetadata().getGeneration() == generation + 2);
  }

  private static Deployment deployment() {
    return client.apps().deployments().inNamespace(cluster.namespace()).withName("rolled").get();
  }
}
