package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which pods are only reported, and when a rollout restart already covers a pod. */
class RemediationEligibilityTest {

  private static Pod jobPod() {
    return TestPods.running().editMetadata().addNewOwnerReference().withKind("Job").withName("batch").withUid("j")
        .withController(true).endOwnerReference().endMetadata().build();
  }

  @Test
  void jobPodsAreReplacedOnlyWhenThePolicyOptsIn() {
    Remediation remediation = new Remediation();
    assertThat(Remediator.notReplaceable(jobPod(), remediation, true)).hasValueSatisfying(
        why -> assertThat(why).contains("Job", "replaceJobPods"));
    remediation.setReplaceJobPods(true);
    assertThat(Remediator.notReplaceable(jobPod(), remediation, true)).isEmpty();
    assertThat(Remediator.notReplaceable(TestPods.pod(), new Remediation(), true)).isEmpty();
  }

  @Test
  void mirrorPodsAreNeverReplaced() {
    Pod mirror = TestPods.running().editMetadata().addToAnnotations(Remediator.MIRROR_ANNOTATION, "abc")
        .endMetadata().build();
    Remediation remediation = new Remediation();
    remediation.setReplaceJobPods(true);
    assertThat(Remediator.notReplaceable(mirror, remediation, true)).hasValueSatisfying(
        why -> assertThat(why).contains("static pod"));
  }

  @Test
  void aPodMadeBeforeTheLastRestartIsAlreadyBeingRolled() {
    Instant restart = Instant.parse("2026-01-01T00:00:05Z");
    assertThat(RolloutRestarter.madeBefore(createdAt("2026-01-01T00:00:00Z", null), restart)).isTrue();
    assertThat(RolloutRestarter.madeBefore(createdAt("2026-01-01T00:00:05Z", "2026-01-01T00:00:04Z"), restart))
        .as("made in the second of the restart from the older template").isTrue();
    assertThat(RolloutRestarter.madeBefore(createdAt("2026-01-01T00:00:05Z", "2026-01-01T00:00:05Z"), restart))
        .as("made by that restart").isFalse();
    assertThat(RolloutRestarter.madeBefore(createdAt("2026-01-01T00:00:06Z", null), restart))
        .as("made after it").isFalse();
    assertThat(RolloutRestarter.madeBefore(createdAt("2026-01-01T00:00:01Z", "2026-01-01T00:00:05Z"), restart))
        .as("an older pod given the restart's time by hand").isTrue();
  }

  @Test
  void aRestartInTheSecondOfThePreviousOneStillChangesTheTemplate() {
    Instant now = Instant.parse("2026-01-01T00:00:05.700Z");
    assertThat(RolloutRestarter.nextRestart(Optional.empty(), now)).isEqualTo("2026-01-01T00:00:05Z");
    assertThat(RolloutRestarter.nextRestart(Optional.of(Instant.parse("2026-01-01T00:00:04Z")), now))
        .isEqualTo("2026-01-01T00:00:05Z");
    assertThat(RolloutRestarter.nextRestart(Optional.of(Instant.parse("2026-01-01T00:00:05Z")), now))
        .isEqualTo("2026-01-01T00:00:06Z");
    assertThat(RolloutRestarter.nextRestart(Optional.of(Instant.parse("2026-01-01T00:10:00Z")), now))
        .as("a restart written by a clock ahead of ours").isEqualTo("2026-01-01T00:10:01Z");
  }

  private static Pod createdAt(String created, String restartedAt) {
    Pod pod = TestPods.running().editMetadata().withCreationTimestamp(created).endMetadata().build();
    if (restartedAt != null) {
      pod.getMetadata().setAnnotations(new HashMap<>(Map.of(RolloutRestarter.RESTARTED_AT, restartedAt)));
    }
    return pod;
  }

  @Test
  void aBarePodIsOnlyReportedWhereTheInstallDoesNotRecreateBarePods() {
    assertThat(Remediator.notReplaceable(TestPods.pod(), new Remediation(), false)).hasValueSatisfying(
        reason -> assertThat(reason).contains("BARE_POD_RECREATION"));
    assertThat(Remediator.notReplaceable(jobPod(), new Remediation(), false)).hasValueSatisfying(
        reason -> assertThat(reason).contains("Job"));
  }
}
