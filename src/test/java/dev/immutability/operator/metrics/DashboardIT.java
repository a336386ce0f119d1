package dev.immutability.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import dev.immutability.operator.webhook.Tls;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard cannot go stale: every query parses with the real promtool, and every metric it names is
 * in a real scrape of the operator after the events that create those metrics happened.
 */
class DashboardIT extends OperatorTestBase {
  static final Path DASHBOARD = Path.of("config/grafana/immutability-operator-dashboard.json");
  /** Words of PromQL that are not metric names: keywords, and the label lists after these. */
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "and", "or", "unless", "bool", "offset", "inf", "nan");
  private static String promtool;

  /** Report writes show only where the report CRD is installed, which the operator looks for at start. */
  @BeforeAll
  static void setUp() {
    promtool = LocalCluster.tool("promtool");
    OperatorHarness.installCrd(client, "src/test/resources/crds/wgpolicyk8s.io_policyreports.yaml");
    operator.close();
    operator = OperatorHarness.start(cluster, java.util.Map.of("POLICY_REPORT_INTERVAL", "1s"));
  }

  /** Every expression of every panel, with Grafana's variables replaced by what Grafana would send. */
  static List<String> queries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        queries.add(target.get("expr").asText().replace("$__rate_interval", "1m").replace("$namespace", ".*"));
      }
    }
    return queries;
  }

  /** The metric names in a PromQL expression: identifiers outside strings, label matchers, ranges and label lists. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    return Pattern.compile("(?<![\\w.])([a-zA-Z_:][\\w:]*)\\b(?!\\s*\\()").matcher(bare).results()
        .map(m -> m.group(1)).filter(name -> !KEYWORDS.contains(name)).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyQueryParsesWithPromtool() throws IOException {
    List<String> queries = queries();
    StringBuilder rules = new StringBuilder("groups:\n- name: dashboard\n  rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      rules.append("  - record: dashboard_query_").append(i).append("\n    expr: ")
          .append(new ObjectMapper().writeValueAsString(queries.get(i))).append('\n');
    }
    Path file = Files.createTempFile("dashboard-queries", ".yaml");
    Files.writeString(file, rules);
    LocalCluster.Result check = LocalCluster.exec(List.of(promtool, "check", "rules", file.toString()), 60, false);
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void everyMetricItNamesIsOneTheOperatorExports() throws Exception {
    // What makes each metric appear: a drift and its replacement, an allowed and a denied exec, a refused request.
    workloads.policy("healed", "healed", Mode.Remediate, spec -> {});
    workloads.policy("locked", "locked", Mode.Enforce, spec -> {});
    workloads.deployment("healed", 1, Workloads.nginx().build());
    workloads.deployment("locked", 1, Workloads.nginx().build());
    Pod healed = workloads.awaitBaselines("healed", 1).get(0);
    Pod locked = workloads.awaitBaselines("locked", 1).get(0);
    workloads.editImage(healed.getMetadata().getName(), "nginx:1.28");
    HttpResponse<String> refused = Tls.trustingClient().send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + operator.webhookAddress().getPort() + "/validate")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isGreaterThanOrEqualTo(400);
    await("sessions counted").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      cluster.kubectl("exec", "-n", cluster.namespace(), locked.getMetadata().getName(), "--", "id");
      Pod fresh = workloads.readyPods("healed").get(0);
      cluster.kubectl("exec", "-n", cluster.namespace(), fresh.getMetadata().getName(), "--", "id");
      String scrape = scrape();
      return scrape.contains("verdict=\"denied\"") && scrape.contains("verdict=\"allowed\"")
          && scrape.contains("result=\"Replaced\"") && scrape.contains("immutability_policy_report_writes_total");
    });

    Set<String> exported = Pattern.compile("(?m)^([a-zA-Z_:][\\w:]*)[{ ]").matcher(scrape()).results()
        .map(m -> m.group(1)).collect(Collectors.toSet());
    Set<String> named = new TreeSet<>();
    for (String query : queries()) {
      named.addAll(metricNames(query));
    }
    assertThat(named).as("the names read from the dashboard").contains("immutability_drift_findings_total",
        "immutability_webhook_request_duration_seconds_bucket", "immutability_leader");
    assertThat(exported).containsAll(named);
  }

  private static String scrape() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + operator.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
