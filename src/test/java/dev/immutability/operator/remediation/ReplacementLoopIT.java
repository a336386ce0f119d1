package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImagePin;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A replacement that reproduces its drift is made once, then reported instead of repeated. */
class ReplacementLoopIT extends OperatorTestBase {

  @Test
  void anUnsatisfiableDigestPinIsReplacedOnceThenReportedAsNotHealing() throws Exception {
    // KWOK reports the digest of the image reference, which never equals this pin: every replacement drifts again.
    workloads.policy("pinned", "pinned", Mode.Remediate, spec -> spec.setImages(List.of(
        new ImagePin("nginx", "nginx@sha256:" + "0".repeat(64)))));
    workloads.deployment("pinned", 1, Workloads.nginx().build());

    await("ReplacementDoesNotHeal").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      var status = workloads.policy("pinned").getStatus();
      Condition degraded = status == null ? new Condition() : status.getConditions().stream()
          .filter(c -> "Degraded".equals(c.getType())).findFirst().orElse(new Condition());
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getReason()).isEqualTo("ReplacementDoesNotHeal");
      assertThat(degraded.getMessage()).contains("ReplicaSet pinned-", "ImageDigestChanged", "container nginx");
    });
    String looping = workloads.pods("pinned").get(0).getMetadata().getName();
    assertThat(workloads.eventsFor("Pod", looping))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ReplacementDoesNotHeal"));

    // A later event, handled: a marker pod's drift recorded by an Audit policy.
    workloads.policy("loop-marker", "loop-marker", Mode.Audit, spec -> {});
    client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata().withName("loop-marker")
        .addToLabels("app", "loop-marker").endMetadata().withSpec(Workloads.nginx().build()).build()).create();
    workloads.awaitBaselines("loop-marker", 1);
    workloads.editImage("loop-marker", "nginx:1.28");
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod("loop-marker")));

    assertThat(workloads.pods("pinned")).extracting(p -> p.getMetadata().getName()).containsExactly(looping);
    assertThat(workloads.eventsFor("ImmutabilityPolicy", "pinned")).filteredOn(e -> "PodReplaced".equals(e.getReason()))
        .as("exactly one replacement").hasSize(1);
    await().atMost(Workloads.TIMEOUT).until(() -> workloads.policy("pinned").getStatus().getReplacedPods() == 1);
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + operator.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).containsPattern("immutability_replacement_loops_total\\{[^}]*reason=\"ImageDigestChanged\"[^}]*\\} 1\\.0");
  }
}
