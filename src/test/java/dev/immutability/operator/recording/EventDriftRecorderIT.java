package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A session's finding whose condition write fails after the finding itself was written: the retry completes the
 * condition and the Events, rather than taking the finding already on the pod for someone else's.
 */
@ExtendWith(ClusterExtension.class)
class EventDriftRecorderIT {

  @Test
  void aRetryAfterAFailedConditionWriteCompletesTheRecord(TestCluster cluster) {
    KubernetesClient client = cluster.client();
    String namespace = cluster.namespace();
    String name = "status-refused-" + namespace;
    // Refuses any status write of this namespace's pods while bound: the finding goes in, its condition does not.
    client.resource(new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withFailurePolicy("Fail").withNewMatchConstraints().addNewResourceRule()
        .withApiGroups("").withApiVersions("v1").withOperations("UPDATE").withResources("pods/status")
        .endResourceRule().endMatchConstraints().addNewValidation().withExpression("false")
        .withMessage("status writes refused by the test").endValidation().endSpec().build()).serverSideApply();
    client.resource(new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withPolicyName(name).withValidationActions("Deny").withNewMatchResources()
        .withNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels("kubernetes.io/metadata.name", namespace)
            .build()).endMatchResources().endSpec().build()).serverSideApply();
    try {
      client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName("session")
          .endMetadata().withSpec(Workloads.nginx().build()).build()).create();
      await("status writes refused").atMost(Workloads.TIMEOUT).until(() -> statusWriteRefused(client, namespace));

      OperatorMetrics metrics = new OperatorMetrics(new SimpleMeterRegistry());
      try (EventRecorder events = new EventRecorder(client, "test", metrics);
          EventDriftRecorder recorder = new EventDriftRecorder(client, new PodRecorder(client, (base, written) -> { }),
              events, metrics, Clock.systemUTC(), new EventFindingMemory())) {
        recorder.record(namespace, "session", Finding.of(DriftReason.ExecSession, "nginx", "kubectl exec by dev",
            Instant.now()), "ExecSession");
        await("finding written").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(pod(client, namespace)));
        assertThat(condition(pod(client, namespace))).as("its condition refused").isNull();

        client.admissionRegistration().v1().validatingAdmissionPolicyBindings().withName(name).delete();

        await("condition written on a retry").atMost(Workloads.TIMEOUT)
            .until(() -> "False".equals(condition(pod(client, namespace))));
        await("the session's Event").atMost(Workloads.TIMEOUT).until(() -> client.v1().events().inNamespace(namespace)
            .list().getItems().stream().anyMatch(e -> "ExecSession".equals(e.getReason())
                && "session".equals(e.getInvolvedObject().getName())));
      }
    } finally {
      client.admissionRegistration().v1().validatingAdmissionPolicyBindings().withName(name).delete();
      client.admissionRegistration().v1().validatingAdmissionPolicies().withName(name).delete();
    }
  }

  private static Pod pod(KubernetesClient client, String namespace) {
    return client.pods().inNamespace(namespace).withName("session").get();
  }

  private static String condition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream().filter(c -> PodRecords.CONDITION_TYPE.equals(c.getType()))
        .map(c -> c.getStatus()).findFirst().orElse(null);
  }

  private static boolean statusWriteRefused(KubernetesClient client, String namespace) {
    try {
      client.pods().inNamespace(namespace).withName("session").subresource("status").patch(
          PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"status\":{\"conditions\":[{\"type\":\"test/Probe\","
              + "\"status\":\"True\",\"message\":\"" + System.nanoTime() + "\"}]}}");
      return false;
    } catch (KubernetesClientException e) {
      return e.getMessage().contains("status writes refused by the test");
    }
  }
}
