package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local control plane presents a client certificate to webhooks, and the operator takes admission reviews
 * only with it: a review forged by anyone else who reaches the port is refused and records nothing.
 */
class WebhookAuthenticationIT extends OperatorTestBase {

  private static HttpResponse<String> post(HttpClient http, String review) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + operator.webhookAddress().getPort()
        + "/validate")).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String forgedExec(String pod) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"forged-1",
         "operation":"CONNECT","resource":{"group":"","version":"v1","resource":"pods"},"subResource":"exec",
         "namespace":"%s","name":"%s","userInfo":{"username":"alice"},
         "object":{"kind":"PodExecOptions","container":"nginx","command":["rm","-rf","/data"]}}}"""
        .formatted(cluster.namespace(), pod);
  }

  @Test
  void aReviewWithoutTheApiServersCertificateIsRefusedAndRecordsNothing() throws Exception {
    assertThat(cluster.webhookClientFile("webhook-client-ca.crt"))
        .as("the local control plane presents a client certificate to webhooks").isPresent();
    workloads.policy("forged", "forged", Mode.Remediate, spec -> {});
    workloads.deployment("forged", 2, Workloads.nginx().build());
    List<Pod> pods = workloads.awaitBaselines("forged", 2);
    Pod target = pods.get(0);
    String witness = pods.get(1).getMetadata().getName();

    HttpResponse<String> forged = post(Tls.trustingClient(), forgedExec(target.getMetadata().getName()));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("only from the API server's client certificate");

    // A real exec through the API server, after the forged one, is recorded and heals its pod...
    await("real exec recorded").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Pod current = workloads.pod(witness);
      if (current == null) {
        return true; // already replaced: it was recorded
      }
      cluster.kubectl("exec", witness, "-n", cluster.namespace(), "--", "cat", "/etc/hostname");
      return false;
    });
    await("witness replaced").atMost(Workloads.TIMEOUT).until(() -> workloads.policy("forged").getStatus()
        .getReplacedPods() == 1);
    // ...while the target of the forged review was never touched.
    Pod after = workloads.pod(target.getMetadata().getName());
    assertThat(after.getMetadata().getUid()).isEqualTo(target.getMetadata().getUid());
    assertThat(PodRecords.findings(after)).noneMatch(f -> f.reason() == DriftReason.ExecSession);
  }
}
