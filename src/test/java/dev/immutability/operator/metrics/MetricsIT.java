package dev.immutability.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scraped metrics move as drift is found, sessions happen and pods are replaced; health reflects the state. */
class MetricsIT extends OperatorTestBase {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpAddress().getPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double sample(String metric, String labels) throws Exception {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{" + labels + "\\} ([0-9.E+-]+)$")
        .matcher(get("/metrics").body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  @Test
  void healthAndReadinessAnswer() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      HttpResponse<String> ready = get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("informers synced", "webhook serving", "leading");
    });
  }

  @Test
  void domainMetricsMoveWithDriftSessionsAndReplacements() throws Exception {
    String ns = Pattern.quote(cluster.namespace());
    workloads.policy("metrics", "metrics", Mode.Remediate, spec -> {});
    workloads.deployment("metrics", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("metrics", 1).get(0);
    String labels = "namespace=\"" + ns + "\",policy=\"metrics\"";

    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    await("metrics after a replacement").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(sample("immutability_drift_findings_total", labels + ",reason=\"ImageChanged\"")).isEqualTo(1.0);
      assertThat(sample("immutability_pod_replacements_total", labels + ",result=\"Replaced\"")).isEqualTo(1.0);
    });
    String text = get("/metrics").body();
    assertThat(text).containsPattern("immutability_detection_latency_seconds_count [1-9]")
        .contains("immutability_drifted_pods{namespace=\"" + cluster.namespace() + "\",policy=\"metrics\"}")
        .contains("jvm_memory_used_bytes")
        .containsPattern("operator_sdk_[a-z_]+\\{")
        .doesNotContain(pod.getMetadata().getName());

    Pod fresh = workloads.awaitBaselines("metrics", 1).get(0);
    await("exec counted").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      cluster.kubectl("exec", "-n", cluster.namespace(), fresh.getMetadata().getName(), "--", "id");
      return sample("immutability_exec_sessions_total",
          "kind=\"exec\"," + labels + ",verdict=\"allowed\"") >= 1.0;
    });
    assertThat(get("/metrics").body()).containsPattern(
        "immutability_webhook_request_duration_seconds_count\\{operation=\"CONNECT\"\\} [1-9]");
  }
}
