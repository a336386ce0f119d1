package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.remediation.ReplacementLedger;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicyStatusBuilderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);
  private static final ReplacementLedger.Drained NOTHING = new ReplacementLedger.Drained(0, List.of());

  private static ImmutabilityPolicy policy(Mode mode) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName("web");
    policy.getMetadata().setGeneration(3L);
    policy.setSpec(TestPods.policy());
    policy.getSpec().setMode(mode);
    return policy;
  }

  private static Pod drifted(String name, Instant at) {
    Finding finding = Finding.of(DriftReason.ImageChanged, "app", "image moved", at).withPolicies(List.of("web"));
    return TestPods.running().editMetadata().withName(name).addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .addToAnnotations(PodRecords.FINDINGS_ANNOTATION, PodRecords.toJson(List.of(finding))).endMetadata().build();
  }

  private static Condition condition(ImmutabilityPolicyStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  @Test
  void aCleanPolicyIsReadyAndCompliant() {
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(),
        List.of(TestPods.pod()), NOTHING, Optional.empty(), T0);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getMatchedPods()).isEqualTo(1);
    assertThat(status.getDriftedPods()).isZero();
    assertThat(status.getConditions()).extracting(Condition::getType)
        .containsExactly("Ready", "Compliant", "Remediating", "Degraded");
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Compliant").getReason()).isEqualTo("NoDrift");
    assertThat(condition(status, "Remediating").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Degraded").getReason()).isEqualTo("AsExpected");
    assertThat(status.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
  }

  @Test
  void driftIsCountedListedAndRemediatingInRemediateMode() {
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(),
        List.of(TestPods.pod(), drifted("web-2", T0)), NOTHING, Optional.empty(), T1);
    assertThat(status.getDriftedPods()).isEqualTo(1);
    assertThat(condition(status, "Compliant").getMessage()).isEqualTo("1 of 2 pod(s) drifted");
    assertThat(condition(status, "Remediating").getReason()).isEqualTo("ReplacingPods");
    assertThat(status.getRecentFindings()).singleElement().satisfies(f -> {
      assertThat(f.getPod()).isEqualTo("web-2");
      assertThat(f.getReason()).isEqualTo("ImageChanged");
      assertThat(f.getAction()).isEqualTo("Pending");
    });
    assertThat(status.getLastDriftTime()).isEqualTo(T0.toString());
  }

  @Test
  void auditModeRecordsAndDoesNotRemediate() {
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Audit), List.of(),
        List.of(drifted("web-2", T0)), NOTHING, Optional.empty(), T1);
    assertThat(condition(status, "Remediating").getReason()).isEqualTo("AuditMode");
    assertThat(status.getRecentFindings()).extracting(RecentFinding::getAction).containsExactly("Recorded");
  }

  @Test
  void dryRunSaysWhatWouldBeReplaced() {
    ImmutabilityPolicy policy = policy(Mode.Remediate);
    policy.getSpec().getRemediation().setDryRun(true);
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy, List.of(), List.of(drifted("web-2", T0)),
        NOTHING, Optional.empty(), T1);
    assertThat(condition(status, "Remediating").getReason()).isEqualTo("DryRun");
    assertThat(status.getRecentFindings()).extracting(RecentFinding::getAction).containsExactly("WouldReplace");
  }

  @Test
  void replacementsAddUpAndTheirActionReplacesThePendingOne() {
    ImmutabilityPolicy policy = policy(Mode.Remediate);
    policy.setStatus(PolicyStatusBuilder.build(policy, List.of(), List.of(drifted("web-2", T0)), NOTHING,
        Optional.empty(), T0));
    policy.getStatus().setReplacedPods(5);
    RecentFinding replaced = new RecentFinding("web-2", "app", "ImageChanged", "image moved", T0.toString(), "Replaced");
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy, List.of(), List.of(TestPods.pod()),
        new ReplacementLedger.Drained(1, List.of(replaced)), Optional.empty(), T1);
    assertThat(status.getReplacedPods()).isEqualTo(6);
    assertThat(status.getRecentFindings()).singleElement()
        .satisfies(f -> assertThat(f.getAction()).isEqualTo("Replaced"));
  }

  @Test
  void aBlockedReplacementIsDegradedWithItsReason() {
    ReplacementLedger.Blocked blocked = new ReplacementLedger.Blocked("web-2", "EvictionBlocked",
        "eviction refused, most likely by a PodDisruptionBudget", T0);
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(),
        List.of(drifted("web-2", T0)), NOTHING, Optional.of(blocked), T1);
    assertThat(condition(status, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(status, "Degraded").getReason()).isEqualTo("EvictionBlocked");
    assertThat(condition(status, "Degraded").getMessage()).contains("web-2", "PodDisruptionBudget");
  }

  @Test
  void aWritableRootFilesystemIsRecordedButNotSomethingToReplace() {
    Finding rootfs = Finding.of(DriftReason.WritableRootFilesystem, "app", "writable", T0).withPolicies(List.of("web"));
    Pod pod = TestPods.running().editMetadata().addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .addToAnnotations(PodRecords.FINDINGS_ANNOTATION, PodRecords.toJson(List.of(rootfs))).endMetadata().build();
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(), List.of(pod),
        NOTHING, Optional.empty(), T1);
    assertThat(condition(status, "Compliant").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Remediating").getReason()).isEqualTo("NothingToReplace");
    assertThat(status.getRecentFindings()).extracting(RecentFinding::getAction).containsExactly("Recorded");
  }

  @Test
  void anInvalidSpecIsNotReady() {
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Audit),
        List.of("spec.selector.matchExpressions[0]: unknown operator Equals"), List.of(), NOTHING, Optional.empty(), T0);
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(status, "Ready").getMessage()).contains("unknown operator Equals");
  }

  @Test
  void transitionTimesMoveOnlyWhenTheStatusDoes() {
    ImmutabilityPolicy policy = policy(Mode.Remediate);
    policy.setStatus(PolicyStatusBuilder.build(policy, List.of(), List.of(TestPods.pod()), NOTHING, Optional.empty(), T0));
    ImmutabilityPolicyStatus later = PolicyStatusBuilder.build(policy, List.of(), List.of(drifted("web-2", T1)),
        NOTHING, Optional.empty(), T1);
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(condition(later, "Compliant").getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void recentFindingsAreBoundedAndNewestFirst() {
    List<Pod> pods = new ArrayList<>();
    IntStream.range(0, 30).forEach(i -> pods.add(drifted("web-" + i, T0.plusSeconds(i))));
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Audit), List.of(), pods, NOTHING,
        Optional.empty(), T1);
    assertThat(status.getRecentFindings()).hasSize(PolicyStatusBuilder.MAX_RECENT_FINDINGS);
    assertThat(status.getRecentFindings().get(0).getPod()).isEqualTo("web-29");
    assertThat(status.getLastDriftTime()).isEqualTo(T0.plusSeconds(29).toString());
  }

  @Test
  void findingsOfOtherPoliciesAreNotListed() {
    Finding theirs = Finding.of(DriftReason.ImageChanged, "app", "x", T0).withPolicies(List.of("other"));
    Pod pod = TestPods.running().editMetadata().addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .addToAnnotations(PodRecords.FINDINGS_ANNOTATION, PodRecords.toJson(List.of(theirs))).endMetadata().build();
    assertThat(PolicyStatusBuilder.build(policy(Mode.Audit), List.of(), List.of(pod), NOTHING, Optional.empty(), T1)
        .getRecentFindings()).isEmpty();
  }

  @Test
  void anotherPolicysFindingOnAPodBothSelectIsNotThisPolicysDrift() {
    Finding theirs = Finding.of(DriftReason.ImageChanged, "app", "image moved", T0).withPolicies(List.of("other"));
    Pod driftedForOther = TestPods.running().editMetadata().withName("web-2")
        .addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .addToAnnotations(PodRecords.FINDINGS_ANNOTATION, PodRecords.toJson(List.of(theirs))).endMetadata().build();
    List<Pod> selected = List.of(drifted("web-1", T0), driftedForOther);

    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(), selected, NOTHING,
        Optional.empty(), T1);

    assertThat(status.getMatchedPods()).isEqualTo(2);
    assertThat(status.getDriftedPods()).isEqualTo(1);
    assertThat(condition(status, "Compliant").getMessage()).isEqualTo("1 of 2 pod(s) drifted");
    assertThat(status.getRecentFindings()).extracting(RecentFinding::getPod).containsExactly("web-1");
    assertThat(PolicyStatusBuilder.driftedFor("other", selected)).extracting(p -> p.getMetadata().getName())
        .containsExactly("web-2");

    ImmutabilityPolicyStatus onlyTheirs = PolicyStatusBuilder.build(policy(Mode.Remediate), List.of(),
        List.of(driftedForOther), NOTHING, Optional.empty(), T1);
    assertThat(onlyTheirs.getDriftedPods()).isZero();
    assertThat(condition(onlyTheirs, "Compliant").getStatus()).isEqualTo("True");
  }
}
