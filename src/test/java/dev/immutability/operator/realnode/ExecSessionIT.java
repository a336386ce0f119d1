package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kubectl exec runs a real shell in a real container: recorded and healed in Remediate, refused in Enforce. */
class ExecSessionIT extends OperatorTestBase {
  /** Says every second whether anyone wrote /tmp/ran: the container's own account of what an exec did. */
  private static final String WATCH = "while sleep 1; do if [ -f /tmp/ran ]; then echo RAN; else echo tick; fi; done";

  @BeforeAll
  static void requireRealNode() {
    RealNode.require(cluster);
  }

  @Test
  void aRealCommandIsRecordedAndThePodReplacedInRemediateMode() {
    workloads.policy("remediate", "remediate", Mode.Remediate, spec -> {});
    workloads.deployment("remediate", 1, RealNode.spec("sh", "-c", WATCH).build());
    Pod pod = workloads.awaitBaselines("remediate", 1).get(0);
    String name = pod.getMetadata().getName();

    LocalCluster.Result session = cluster.exec(name, "sh", "-c", "echo changed > /tmp/ran && cat /tmp/ran");
    assertThat(session.exitCode()).as(session.output()).isZero();
    assertThat(session.output()).contains("changed");
    await("the container saw the change").atMost(Workloads.TIMEOUT).until(() -> cluster.logs(name).contains("RAN"));

    await("replaced after the exec").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      List<Pod> ready = workloads.readyPods("remediate");
      return ready.size() == 1 && !ready.get(0).getMetadata().getUid().equals(pod.getMetadata().getUid());
    });
    assertThat(workloads.policy("remediate").getStatus().getRecentFindings())
        .filteredOn(f -> "ExecSession".equals(f.getReason())).extracting(RecentFinding::getMessage)
        .contains("admin ran [sh, -c, echo changed > /tmp/ran && cat /tmp/ran] in container main");
    // The replacement starts from the image: what the session wrote is gone.
    String replacement = workloads.readyPods("remediate").get(0).getMetadata().getName();
    await("the replacement reports").atMost(Workloads.TIMEOUT).until(() -> cluster.logs(replacement).contains("tick"));
    assertThat(cluster.logs(replacement)).doesNotContain("RAN");
  }

  @Test
  void theSessionIsRefusedInEnforceModeAndTheCommandNeverRuns() {
    workloads.policy("enforce", "enforce", Mode.Enforce, spec -> {});
    workloads.deployment("enforce", 1, RealNode.spec("sh", "-c", WATCH).build());
    Pod pod = workloads.awaitBaselines("enforce", 1).get(0);
    String name = pod.getMetadata().getName();

    LocalCluster.Result session = cluster.exec(name, "sh", "-c", "echo changed > /tmp/ran");
    assertThat(session.exitCode()).as(session.output()).isNotZero();
    assertThat(session.output()).contains("policy " + cluster.namespace() + "/enforce (mode Enforce) denies exec");

    // Two more reports from the container after the refusal, and none of them saw the file.
    long ticks = cluster.logs(name).lines().count();
    await("two more reports").atMost(Workloads.TIMEOUT).until(() -> cluster.logs(name).lines().count() >= ticks + 2);
    assertThat(cluster.logs(name)).contains("tick").doesNotContain("RAN");
    assertThat(workloads.pod(name).getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
  }
}
