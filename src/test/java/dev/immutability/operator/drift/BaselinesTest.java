package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselinesTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aRunningPodsImagesDigestsAndConfigHashesAreRecorded() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("cfg").withNewConfigMap().withName("present").endConfigMap().endVolume()
        .editContainer(0).addNewVolumeMount().withName("cfg").withMountPath("/c").endVolumeMount()
        .addNewEnvFrom().withNewSecretRef().withName("absent").endSecretRef().endEnvFrom().endContainer()
        .endSpec().build();
    assertThat(Baselines.capture(pod, Map.of("ConfigMap/present", "sha256:1"), NOW)).hasValueSatisfying(b -> {
      assertThat(b.images()).containsExactly(Map.entry("app", "nginx:1.27"));
      assertThat(b.imageDigests()).containsExactly(Map.entry("app", TestPods.DIGEST_A));
      assertThat(b.configs()).containsOnly(Map.entry("ConfigMap/present", "sha256:1"), Map.entry("Secret/absent", ""));
      assertThat(b.recordedAt()).isEqualTo(NOW);
    });
  }

  @Test
  void notTakenBeforeThePodRuns() {
    Pod pending = TestPods.running().editStatus().withPhase("Pending").endStatus().build();
    assertThat(Baselines.capture(pending, Map.of(), NOW)).isEmpty();
  }

  @Test
  void notTakenBeforeEveryContainerReportsADigest() {
    Pod noDigest = TestPods.running().editStatus().editContainerStatus(0).withImageID(null).endContainerStatus()
        .endStatus().build();
    assertThat(Baselines.capture(noDigest, Map.of(), NOW)).isEmpty();
    Pod missingStatus = TestPods.running().editSpec().addNewContainer().withName("second").withImage("x").endContainer()
        .endSpec().build();
    assertThat(Baselines.capture(missingStatus, Map.of(), NOW)).isEmpty();
  }
}
