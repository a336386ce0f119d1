package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A pod the operator has not seen before is checked at once: drift it already has (an image edited in place
 * before any policy selected it) is found in the same write that records its first baseline, not one baseline
 * write and one evaluation later. At start-up with thousands of pods, that baseline can be a minute away.
 */
class FirstSightIT extends OperatorTestBase {

  @Test
  void driftPresentAtFirstSightIsRecordedWithTheFirstBaseline() {
    workloads.deployment("unseen", 2, Workloads.nginx().build());
    List<Pod> pods = workloads.readyPods("unseen");
    String edited = pods.get(0).getMetadata().getName();
    String untouched = pods.get(1).getMetadata().getName();
    workloads.editImage(edited, "nginx:1.28");

    List<Pod> versions = new CopyOnWriteArrayList<>();
    try (Watch watch = client.pods().inNamespace(cluster.namespace()).withName(edited).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        versions.add(pod);
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      workloads.policy("unseen", "unseen", Mode.Audit, spec -> {});
      await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(edited)).stream()
          .anyMatch(f -> f.reason() == DriftReason.ImageChanged));
      await().atMost(Workloads.TIMEOUT).until(() -> versions.stream().anyMatch(p -> PodRecords.isDrifted(p)));
    }

    Pod firstWithBaseline = versions.stream().filter(p -> PodRecords.baseline(p).isPresent()).findFirst()
        .orElseThrow();
    assertThat(PodRecords.findings(firstWithBaseline)).as("findings in the write that recorded the first baseline")
        .anySatisfy(f -> assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged));
    // The clean pod gets its baseline alone, and no finding.
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.baseline(workloads.pod(untouched)).isPresent());
    assertThat(PodRecords.findings(workloads.pod(untouched))).isEmpty();
  }
}
