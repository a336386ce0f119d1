package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A bare pod's recreation is recorded before its delete, so an operator that crashed in between finishes it. */
@ExtendWith(ClusterExtension.class)
class BarePodRecreationIT {

  /** The policy is created before any operator runs, so this checkout's CRD must be served first. */
  private static Workloads workloads(TestCluster cluster) {
    OperatorHarness.installCrd(cluster.client());
    return new Workloads(cluster);
  }

  private static Pod barePod(TestCluster cluster, String name) {
    return cluster.client().pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName(name).addToLabels("app", name).endMetadata().withSpec(Workloads.nginx().build()).build()).create();
  }

  /** What the operator does before it deletes the pod, then the delete: the crash comes right after. */
  private static void recordIntentAndDelete(TestCluster cluster, Pod pod, Pod replacement, String policy) {
    new RecreationIntents(cluster.client(), cluster.namespace()).record(replacement, pod.getMetadata().getUid(),
        cluster.namespace() + "/" + policy);
    cluster.client().pods().inNamespace(cluster.namespace()).withName(pod.getMetadata().getName()).withGracePeriod(0)
        .delete();
    await().atMost(Workloads.TIMEOUT).until(() -> cluster.client().pods().inNamespace(cluster.namespace())
        .withName(pod.getMetadata().getName()).get() == null);
  }

  private static OperatorHarness operator(TestCluster cluster) {
    return OperatorHarness.start(cluster, Map.of("LEADER_ELECTION_NAMESPACE", cluster.namespace()));
  }

  @Test
  void aRecreationRecordedBeforeACrashIsFinishedByTheNextOperator(TestCluster cluster) {
    Workloads workloads = workloads(cluster);
    workloads.policy("crashed", "crashed", Mode.Remediate, spec -> {});
    Pod pod = barePod(cluster, "crashed");
    recordIntentAndDelete(cluster, pod, DeclaredPods.replacementFor(pod, null), "crashed");

    try (OperatorHarness restarted = operator(cluster)) {
      await("recreated").atMost(Workloads.TIMEOUT).until(() -> {
        Pod recreated = workloads.pod("crashed");
        return recreated != null && !recreated.getMetadata().getUid().equals(pod.getMetadata().getUid())
            && Workloads.isReady(recreated);
      });
      await("intent removed").atMost(Workloads.TIMEOUT).until(() -> cluster.client().configMaps()
          .inNamespace(cluster.namespace()).withName("recreate-" + pod.getMetadata().getUid()).get() == null);
      assertThat(workloads.eventsFor("Pod", "crashed"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PodRecreated"));
    }
  }

  @Test
  void aRecreationTheApiServerRefusesIsRetriedAndReportedAsDegraded(TestCluster cluster) {
    Workloads workloads = workloads(cluster);
    workloads.policy("refused", "refused", Mode.Remediate, spec -> {});
    Pod pod = barePod(cluster, "refused");
    // A replacement the API server rejects: a container name that is not a DNS label.
    Pod invalid = new PodBuilder(DeclaredPods.replacementFor(pod, null)).editSpec().editContainer(0)
        .withName("Not_A_Label").endContainer().endSpec().build();
    recordIntentAndDelete(cluster, pod, invalid, "refused");

    try (OperatorHarness restarted = operator(cluster)) {
      await("Degraded").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
        var status = workloads.policy("refused").getStatus();
        Condition degraded = status == null ? new Condition() : status.getConditions().stream()
            .filter(c -> "Degraded".equals(c.getType())).findFirst().orElse(new Condition());
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("RecreationFailed");
        assertThat(degraded.getMessage()).contains("could not recreate", "of " + BarePodRecreator.MAX_ATTEMPTS,
            "Not_A_Label");
      });
      assertThat(workloads.eventsFor("ImmutabilityPolicy", "refused"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RecreationFailed"));
      var intent = cluster.client().configMaps().inNamespace(cluster.namespace())
          .withName("recreate-" + pod.getMetadata().getUid()).get();
      assertThat(intent).as("the intent is kept while retrying").isNotNull();
      assertThat(Integer.parseInt(intent.getMetadata().getAnnotations().get(RecreationIntents.ATTEMPTS_ANNOTATION)))
          .isPositive();
    }
  }
}
