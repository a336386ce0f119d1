package dev.immutability.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.testing.LocalCluster;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The alert rules pass the real promtool: syntax, and unit tests that fire and do not fire each alert. */
class AlertRulesIT {
  private static String promtool;

  @BeforeAll
  static void buildPromtool() {
    LocalCluster.Result built = LocalCluster.exec(List.of("hack/tools.sh", "promtool"), 1200, true);
    assertThat(built.exitCode()).isZero();
    promtool = built.output().strip();
  }

  @Test
  void rulesAreValid() {
    LocalCluster.Result check = LocalCluster.exec(List.of(promtool, "check", "rules", "config/prometheus/alerts.yaml"),
        60, false);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 8 rules found");
  }

  @Test
  void everyAlertFiresWhenItShouldAndOnlyThen() {
    LocalCluster.Result test = LocalCluster.exec(List.of(promtool, "test", "rules",
        "config/prometheus/alerts-test.yaml"), 120, false);
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasATest() {
    LocalCluster.Result rules = LocalCluster.exec(List.of("grep", "-c", "- alert:", "config/prometheus/alerts.yaml"),
        10, false);
    for (String alert : List.of("ImmutabilityDriftDetected", "ImmutabilityExecSession",
        "ImmutabilityExecSessionInProduction", "ImmutabilityRemediationBlocked", "ImmutabilityOperatorDown",
        "ImmutabilityOperatorNotLeading", "ImmutabilityWebhookErrors", "ImmutabilityWebhookSlow")) {
      assertThat(LocalCluster.exec(List.of("grep", "-q", "alertname: " + alert + "$",
          "config/prometheus/alerts-test.yaml"), 10, false).exitCode()).as(alert + " is tested").isZero();
    }
    assertThat(rules.output().strip()).isEqualTo("8");
  }
}
