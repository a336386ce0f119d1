package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Findings live on the pods, so an operator restart loses nothing and repeats nothing. */
@ExtendWith(ClusterExtension.class)
class OperatorRestartIT {

  @Test
  void findingsBaselinesAndStatusSurviveARestartWithoutDuplicateEvents(TestCluster cluster) {
    Workloads workloads = new Workloads(cluster);
    workloads.policy("audit", "kept", Mode.Audit, spec -> {});
    workloads.deployment("kept", 1, Workloads.nginx().build());
    Pod pod;
    try (OperatorHarness first = OperatorHarness.start(cluster)) {
      pod = workloads.awaitBaselines("kept", 1).get(0);
      workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
      await().atMost(Workloads.TIMEOUT).until(() -> workloads.policy("audit").getStatus().getDriftedPods() == 1);
    }
    Pod before = workloads.pod(pod.getMetadata().getName());
    long eventsBefore = driftEvents(workloads, before);

    try (OperatorHarness second = OperatorHarness.start(cluster)) {
      await().pollDelay(Duration.ofSeconds(3)).atMost(Workloads.TIMEOUT).until(() -> true);
      Pod after = workloads.pod(pod.getMetadata().getName());
      assertThat(PodRecords.findings(after)).isEqualTo(PodRecords.findings(before))
          .anySatisfy(f -> assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged));
      assertThat(PodRecords.baseline(after)).isEqualTo(PodRecords.baseline(before));
      assertThat(driftEvents(workloads, after)).as("no finding is announced twice").isEqualTo(eventsBefore);
      assertThat(workloads.policy("audit").getStatus().getDriftedPods()).isEqualTo(1);
    }
  }

  @Test
  void driftThatHappensWhileTheOperatorIsDownIsHealedWhenItComesBack(TestCluster cluster) {
    Workloads workloads = new Workloads(cluster);
    workloads.policy("heal", "offline", Mode.Remediate, spec -> {});
    workloads.deployment("offline", 1, Workloads.nginx().build());
    Pod pod;
    try (OperatorHarness first = OperatorHarness.start(cluster)) {
      pod = workloads.awaitBaselines("offline", 1).get(0);
    }
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");

    try (OperatorHarness second = OperatorHarness.start(cluster)) {
      await("replaced after restart").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("offline").stream()
          .anyMatch(p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid())));
    }
  }

  private static long driftEvents(Workloads workloads, Pod pod) {
    return workloads.eventsFor("Pod", pod.getMetadata().getName()).stream()
        .filter(e -> "DriftDetected".equals(e.getReason())).count();
  }
}
