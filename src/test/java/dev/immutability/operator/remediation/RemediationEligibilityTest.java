package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
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
  void aPodCreatedBeforeTheLastRestartIsAlreadyBeingRolled() {
    Pod pod = TestPods.running().editMetadata().withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    assertThat(RolloutRestarter.createdBefore(pod, Instant.parse("2026-01-01T00:00:05Z"))).isTrue();
    assertThat(RolloutRestarter.createdBefore(pod, Instant.parse("2026-01-01T00:00:00Z")))
        .as("created by that restart").isFalse();
  }

  @Test
  void aBarePodIsOnlyReportedWhereTheInstallDoesNotRecreateBarePods() {
    assertThat(Remediator.notReplaceable(TestPods.pod(), new Remediation(), false)).hasValueSatisfying(
        reason -> assertThat(reason).contains("BARE_POD_RECREATION"));
    assertThat(Remediator.notReplaceable(jobPod(), new Remediation(), false)).hasValueSatisfying(
        reason -> assertThat(reason).contains("Job"));
  }
}
