package dev.immutability.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.DriftReason;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Prometheus names and labels are an interface: dashboards and the alert rules depend on them. */
class OperatorMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void domainMetricsHaveTheDocumentedNamesAndLabels() {
    metrics.findingRecorded("shop", "web", DriftReason.ImageChanged);
    metrics.findingRecorded("shop", "web", DriftReason.ImageChanged);
    metrics.execSession("shop", "web", "exec", "denied");
    metrics.podReplacement("shop", "web", "Replaced");
    metrics.driftedPods("shop", "web", 3);
    metrics.detectionLatency(Duration.ofMillis(250));
    metrics.webhookTimer("CONNECT").record(Duration.ofMillis(2));
    metrics.leading(true);

    String text = registry.scrape();
    assertThat(text)
        .contains("immutability_drift_findings_total{namespace=\"shop\",policy=\"web\",reason=\"ImageChanged\"} 2.0")
        .contains("immutability_exec_sessions_total{kind=\"exec\",namespace=\"shop\",policy=\"web\",verdict=\"denied\"} 1.0")
        .contains("immutability_pod_replacements_total{namespace=\"shop\",policy=\"web\",result=\"Replaced\"} 1.0")
        .contains("immutability_drifted_pods{namespace=\"shop\",policy=\"web\"} 3.0")
        .contains("immutability_detection_latency_seconds_count 1")
        .contains("immutability_detection_latency_seconds_bucket{le=")
        .contains("immutability_webhook_request_duration_seconds_count{operation=\"CONNECT\"} 1")
        .contains("immutability_leader 1.0");
  }

  @Test
  void aDeletedPolicysGaugeGoesAway() {
    metrics.driftedPods("shop", "web", 1);
    metrics.driftedPods("shop", "web", 0);
    assertThat(registry.scrape()).contains("immutability_drifted_pods{namespace=\"shop\",policy=\"web\"} 0.0");
    metrics.policyDeleted("shop", "web");
    assertThat(registry.scrape()).doesNotContain("immutability_drifted_pods{");
  }

  @Test
  void replacementsThatDoNotHealOrDoNotComeBackHaveBoundedLabels() {
    metrics.replacementLoop("shop", "web", DriftReason.ImageDigestChanged);
    metrics.blockedOwners("shop", "web", 2);
    assertThat(registry.scrape())
        .contains("immutability_replacement_loops_total{namespace=\"shop\",policy=\"web\",reason=\"ImageDigestChanged\"} 1.0")
        .contains("immutability_replacements_blocked{namespace=\"shop\",policy=\"web\"} 2.0");
    metrics.policyDeleted("shop", "web");
    assertThat(registry.scrape()).doesNotContain("immutability_replacements_blocked{");
  }

  @Test
  void negativeLatenciesFromClockSkewCountAsZero() {
    metrics.detectionLatency(Duration.ofSeconds(-5));
    assertThat(registry.scrape()).contains("immutability_detection_latency_seconds_sum 0.0");
  }
}
