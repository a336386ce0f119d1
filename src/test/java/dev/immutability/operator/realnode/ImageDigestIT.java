package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A mutable tag given new bytes: the restarted container runs them, with a real new imageID the operator finds. */
class ImageDigestIT extends OperatorTestBase {
  private static final String IMAGE = "local.test/mutable:1";

  @BeforeAll
  static void requireRealNode() {
    RealNode.require(cluster);
  }

  private static ContainerStatus status(String pod) {
    return workloads.pod(pod).getStatus().getContainerStatuses().get(0);
  }

  @Test
  void aTagReimportedWithOtherBytesIsFoundAsImageDigestChanged() {
    RealNode.buildAndImport(IMAGE, Map.of("/version", "first build\n"));
    workloads.policy("digest", "mutable", Mode.Audit, spec -> {});
    workloads.deployment("mutable", 1, RealNode.spec("sh", "-c", "cat /version; exec sleep 3600")
        .editFirstContainer().withImage(IMAGE).endContainer().build());
    Pod pod = workloads.awaitBaselines("mutable", 1).get(0);
    String name = pod.getMetadata().getName();
    String firstId = status(name).getImageID();
    assertThat(firstId).matches("sha256:[0-9a-f]{64}");
    assertThat(PodRecords.baseline(pod).orElseThrow().imageDigests()).containsEntry("main", firstId);

    RealNode.buildAndImport(IMAGE, Map.of("/version", "second build\n"));
    RealNode.killContainer(cluster, pod);

    await("restarted from the new bytes").atMost(Workloads.TIMEOUT).until(() -> status(name).getRestartCount() >= 1
        && Boolean.TRUE.equals(status(name).getReady()));
    assertThat(status(name).getImageID()).matches("sha256:[0-9a-f]{64}").isNotEqualTo(firstId);
    assertThat(status(name).getImage()).isEqualTo(IMAGE);
    assertThat(cluster.kubectl("-n", cluster.namespace(), "logs", name).output()).contains("second build");

    await("ImageDigestChanged").atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(name))
        .stream().anyMatch(f -> f.reason() == DriftReason.ImageDigestChanged));
    assertThat(PodRecords.findings(workloads.pod(name))).filteredOn(f -> f.reason() == DriftReason.ImageDigestChanged)
        .extracting(Finding::container).containsExactly("main");
  }
}
