package dev.immutability.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The alert rules pass the real promtool: syntax, and unit tests that fire and do not fire each alert. */
class AlertRulesIT {
  private static String promtool;

  @BeforeAll
  static void buildPromtool() {
    promtool = LocalCluster.tool("promtool");
  }

  @Test
  void rulesAreValid() {
    LocalCluster.Result check = LocalCluster.exec(List.of(promtool, "check", "rules", "config/prometheus/alerts.yaml"),
        60, false);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 10 rules found");
  }

  @Test
  void everyAlertFiresWhenItShouldAndOnlyThen() {
    LocalCluster.Result test = LocalCluster.exec(List.of(promtool, "test", "rules",
        "config/prometheus/alerts-test.yaml"), 120, false);
    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertHasATest() throws IOException {
    String rules = Files.readString(Path.of("config/prometheus/alerts.yaml"));
    String tests = Files.readString(Path.of("config/prometheus/alerts-test.yaml"));
    List<String> alerts = Pattern.compile("- alert: (\\w+)").matcher(rules).results().map(m -> m.group(1)).toList();
    assertThat(alerts).hasSize(10);
    for (String alert : alerts) {
      assertThat(tests).as(alert + " is tested").containsPattern("alertname: " + alert + "\\n");
    }
  }
}
