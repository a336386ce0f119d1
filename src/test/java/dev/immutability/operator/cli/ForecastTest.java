package dev.immutability.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastTest {
  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  private static final Pod POD = new PodBuilder().withNewMetadata().withName("web-1").addNewOwnerReference()
      .withKind("ReplicaSet").withName("web").withUid("rs").withController(true).endOwnerReference().endMetadata()
      .build();

  private static ImmutabilityPolicy policy(Mode mode, String grace) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName("strict");
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setMode(mode);
    spec.getRemediation().setExecGracePeriod(grace);
    policy.setSpec(spec);
    return policy;
  }

  private static Finding finding(DriftReason reason, Instant at) {
    return new Finding(reason, "app", "x", at, List.of("strict"));
  }

  @Test
  void auditRecordsOnly() {
    assertThat(Forecast.of(finding(DriftReason.ImageChanged, NOW), POD, policy(Mode.Audit, "0s"), List.of(), NOW))
        .isEqualTo("recorded only (mode Audit)");
  }

  @Test
  void aSessionWaitsOutTheGracePeriodOtherDriftIsDueNow() {
    ImmutabilityPolicy policy = policy(Mode.Remediate, "10m");
    assertThat(Forecast.of(finding(DriftReason.ExecSession, NOW.minusSeconds(60)), POD, policy, List.of(), NOW))
        .isEqualTo("replaced by Evict at 2026-05-01T12:09:00Z (in 9m, after the execGracePeriod of 10m)");
    assertThat(Forecast.of(finding(DriftReason.ImageChanged, NOW.minusSeconds(60)), POD, policy, List.of(), NOW))
        .isEqualTo("replaced by Evict now, as the budget allows");
  }

  @Test
  void anExceptionHoldsItUntilItExpires() {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setName("hotfix");
    exception.getSpec().setReasons(List.of("ImageChanged"));
    exception.getSpec().setExpiresAt(NOW.plusSeconds(1800));
    assertThat(Forecast.of(finding(DriftReason.ImageChanged, NOW), POD, policy(Mode.Enforce, "0s"),
        List.of(exception), NOW))
        .isEqualTo("held by exception hotfix until 2026-05-01T12:30:00Z (in 30m), then replaced by Evict");
    assertThat(Forecast.of(finding(DriftReason.ConfigChanged, NOW), POD, policy(Mode.Enforce, "0s"),
        List.of(exception), NOW)).startsWith("replaced by Evict now");
  }

  @Test
  void whatAReplacementCannotHealIsRecordedOnly() {
    assertThat(Forecast.of(finding(DriftReason.WritableRootFilesystem, NOW), POD, policy(Mode.Remediate, "0s"),
        List.of(), NOW)).startsWith("recorded only: a replacement would have it too");
    assertThat(Forecast.of(finding(DriftReason.ExecSession, NOW).heardUnauthenticated(), POD,
        policy(Mode.Remediate, "0s"), List.of(), NOW)).startsWith("recorded only: heard without");
  }

  @Test
  void anotherPolicysFindingIsNotTheGoverningPolicysToReplace() {
    Finding other = new Finding(DriftReason.ImageChanged, "app", "x", NOW, List.of("audit-all"));
    assertThat(Forecast.of(other, POD, policy(Mode.Remediate, "0s"), List.of(), NOW))
        .isEqualTo("recorded for audit-all; not replaced: the governing policy strict does not look for it");
  }
}
