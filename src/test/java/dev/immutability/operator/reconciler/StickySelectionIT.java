package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Editing a pod's labels out of a policy's selector (patch on pods is enough) neither erases its records nor opens
 * it to exec in Enforce mode; a change of the policy itself does release it.
 */
class StickySelectionIT extends OperatorTestBase {

  @Test
  void aPodRelabelledOutOfItsPolicyStaysGovernedUntilThePolicyChanges() {
    workloads.policy("prod", "unused", Mode.Enforce, spec -> spec.setSelector(new LabelSelectorBuilder()
        .addToMatchLabels("tier", "prod").build()));
    client.apps().deployments().inNamespace(cluster.namespace()).resource(new DeploymentBuilder()
        .withNewMetadata().withName("sticky").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "sticky").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "sticky", "tier", "prod")).endMetadata()
        .withSpec(Workloads.nginx().build()).endTemplate().endSpec().build()).create();
    String pod = workloads.awaitBaselines("sticky", 1).get(0).getMetadata().getName();

    // Out of the selector by a label edit: the pod stays owned by its ReplicaSet, which selects on app only.
    client.pods().inNamespace(cluster.namespace()).withName(pod).edit(p -> new PodBuilder(p).editMetadata()
        .removeFromLabels("tier").endMetadata().build());
    workloads.awaitOperatorCaughtUp();
    assertThat(PodRecords.baseline(workloads.pod(pod))).as("records kept").isPresent();
    assertThat(cluster.kubectl("exec", pod, "-n", cluster.namespace(), "--", "id").output())
        .as("exec still refused").contains("denies exec");

    // A change of the policy itself releases the pod: no policy selects it any more, so its records go.
    client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace()).withName("prod").edit(p -> {
      p.getSpec().setMode(Mode.Audit);
      return p;
    });
    await("records removed").atMost(Workloads.TIMEOUT)
        .until(() -> PodRecords.baseline(workloads.pod(pod)).isEmpty());
  }
}
