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

  @Test
  void initContainersAndSidecarsAreRecordedWithTheDigestsTheyReported() {
    Pod pod = TestPods.running().editSpec().addNewInitContainer().withName("proxy").withImage("envoy:1.31")
        .withRestartPolicy("Always").endInitContainer().addNewInitContainer().withName("never-ran").withImage("x:1")
        .endInitContainer().endSpec().editStatus().addNewInitContainerStatus().withName("proxy")
        .withImageID("docker.io/library/envoy@" + TestPods.DIGEST_B).endInitContainerStatus().endStatus().build();
    assertThat(Baselines.capture(pod, Map.of(), NOW)).hasValueSatisfying(b -> {
      assertThat(b.images()).containsOnly(Map.entry("app", "nginx:1.27"), Map.entry("proxy", "envoy:1.31"),
          Map.entry("never-ran", "x:1"));
      assertThat(b.imageDigests()).containsOnly(Map.entry("app", TestPods.DIGEST_A), Map.entry("proxy", TestPods.DIGEST_B));
    });
  }

  @Test
  void imagesAreAsAdmittedOnlyWhileThePodSpecWasNeverUpdated() {
    Pod created = TestPods.running().editMetadata().withGeneration(1L).endMetadata().build();
    Pod updated = TestPods.running().editMetadata().withGeneration(2L).endMetadata().build();
    assertThat(Baselines.capture(created, Map.of(), NOW)).hasValueSatisfying(b -> assertThat(b.imagesAsAdmitted()).isTrue());
    assertThat(Baselines.capture(updated, Map.of(), NOW)).hasValueSatisfying(b -> assertThat(b.imagesAsAdmitted()).isFalse());
    assertThat(Baselines.capture(TestPods.pod(), Map.of(), NOW)).hasValueSatisfying(b -> assertThat(b.imagesAsAdmitted()).isFalse());
  }
}
