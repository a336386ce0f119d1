package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorEnvironment;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An operator that cannot verify who calls its webhook (no client CA configured, as on clusters that present no
 * client certificate): sessions are recorded as unauthenticated and replace no pod unless the policy opts in.
 */
@OperatorEnvironment("WEBHOOK_CLIENT_CA_FILE=")
class UnauthenticatedWebhookIT extends OperatorTestBase {

  /** Runs kubectl exec until the pod records the session, or is gone (replaced after recording it). */
  private static Optional<Finding> execUntilRecorded(String pod) {
    Finding[] recorded = {null};
    await(pod + " session recorded").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Pod current = workloads.pod(pod);
      if (current == null) {
        return true;
      }
      recorded[0] = PodRecords.findings(current).stream().filter(f -> f.reason() == DriftReason.ExecSession)
          .findFirst().orElse(null);
      if (recorded[0] == null) {
        cluster.kubectl("exec", pod, "-n", cluster.namespace(), "--", "cat", "/etc/hostname");
      }
      return recorded[0] != null;
    });
    return Optional.ofNullable(recorded[0]);
  }

  @Test
  void anUnauthenticatedSessionIsRecordedAsSuchAndReplacesOnlyWhereThePolicyOptsIn() {
    workloads.policy("cautious", "cautious", Mode.Remediate, spec -> {});
    workloads.policy("trusting", "trusting", Mode.Remediate,
        spec -> spec.getRemediation().setReplaceOnUnauthenticatedSessions(true));
    workloads.deployment("cautious", 1, Workloads.nginx().build());
    workloads.deployment("trusting", 1, Workloads.nginx().build());
    Pod cautious = workloads.awaitBaselines("cautious", 1).get(0);
    Pod trusting = workloads.awaitBaselines("trusting", 1).get(0);

    Finding session = execUntilRecorded(cautious.getMetadata().getName()).orElseThrow();
    assertThat(session.unauthenticated()).isTrue();
    execUntilRecorded(trusting.getMetadata().getName());
    await("the opted-in policy replaced its pod").atMost(Workloads.TIMEOUT)
        .until(() -> workloads.policy("trusting").getStatus().getReplacedPods() == 1);
    workloads.awaitOperatorCaughtUp();

    assertThat(workloads.pod(cautious.getMetadata().getName()).getMetadata().getUid())
        .isEqualTo(cautious.getMetadata().getUid());
    assertThat(workloads.policy("cautious").getStatus().getReplacedPods()).isZero();
  }
}
