package dev.immutability.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityExceptionSpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The namespace's PolicyReport, installed from its published CRD and read through the API server, follows the
 * pods' findings: a pass per clean pod, a fail per drift reason, a skip for what an exception holds, and nothing
 * left of a pod once it is gone.
 */
class PolicyReportIT extends OperatorTestBase {
  private static final Map<String, String> ENV = Map.of("POLICY_REPORT_INTERVAL", "1s");

  /** The operator finds the report API at start, so it starts again once the CRD is in. */
  @BeforeAll
  static void installReportCrdAndRestart() {
    OperatorHarness.installCrd(client, "src/test/resources/crds/wgpolicyk8s.io_policyreports.yaml");
    OperatorHarness.installCrd(client, "src/test/resources/crds/openreports.io_reports.yaml");
    operator.close();
    operator = OperatorHarness.start(cluster, ENV);
  }

  private static GenericKubernetesResource report() {
    return report(cluster.namespace());
  }

  private static GenericKubernetesResource report(String namespace) {
    return report(ReportApi.WG_POLICY, namespace);
  }

  private static GenericKubernetesResource report(ReportApi api, String namespace) {
    return client.genericKubernetesResources(api.apiVersion(), api.kind()).inNamespace(namespace)
        .withName(PolicyReporter.NAME).get();
  }

  private static List<Map<String, Object>> results() {
    return results(cluster.namespace());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> results(String namespace) {
    GenericKubernetesResource report = report(namespace);
    return report == null ? List.of()
        : (List<Map<String, Object>>) report.getAdditionalProperties().getOrDefault("results", List.of());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> resultsFor(Pod pod) {
    return results().stream().filter(r -> ((List<Map<String, Object>>) r.get("resources")).stream()
        .anyMatch(ref -> pod.getMetadata().getUid().equals(ref.get("uid")))).toList();
  }

  @Test
  void failForEachDriftPassForCleanPodsAndNothingOnceThePodIsGone() {
    workloads.policy("audited", "web", Mode.Audit, spec -> {});
    workloads.deployment("web", 2, Workloads.nginx().build());
    List<Pod> pods = workloads.awaitBaselines("web", 2);
    Pod drifted = pods.get(0);
    Pod clean = pods.get(1);
    await("pass results").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(resultsFor(drifted)).singleElement().satisfies(r -> assertThat(r)
          .containsEntry("result", "pass").containsEntry("rule", "NoDrift").containsEntry("policy", "audited"));
      assertThat(resultsFor(clean)).singleElement().satisfies(r -> assertThat(r).containsEntry("result", "pass"));
    });
    assertThat(report().getMetadata().getLabels()).containsEntry(PolicyReporter.MANAGED_BY, PolicyReporter.NAME);

    workloads.editImage(drifted.getMetadata().getName(), "nginx:1.28");
    await("fail result").atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(resultsFor(drifted)).singleElement().satisfies(r -> {
          assertThat(r).containsEntry("result", "fail").containsEntry("rule", "ImageChanged")
              .containsEntry("policy", "audited").containsEntry("severity", "high")
              .containsEntry("source", "immutability-operator").containsEntry("scored", true);
          assertThat((String) r.get("message")).contains("nginx:1.28");
          assertThat(((Number) ((Map<?, ?>) r.get("timestamp")).get("seconds")).longValue())
              .isBetween(Instant.now().minusSeconds(120).getEpochSecond(), Instant.now().getEpochSecond());
          assertThat((List<?>) r.get("resources")).singleElement().isEqualTo(Map.of("apiVersion", "v1",
              "kind", "Pod", "namespace", cluster.namespace(), "name", drifted.getMetadata().getName(),
              "uid", drifted.getMetadata().getUid()));
        }));
    assertThat(resultsFor(clean)).singleElement().satisfies(r -> assertThat(r).containsEntry("result", "pass"));
    assertThat((Map<String, Object>) report().getAdditionalProperties().get("summary"))
        .containsEntry("fail", 1);
    await("the same results in the openreports.io Report").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      GenericKubernetesResource openReport = report(ReportApi.OPEN_REPORTS, cluster.namespace());
      assertThat(openReport.getAdditionalProperties()).containsEntry("source", "immutability-operator")
          .containsEntry("results", report().getAdditionalProperties().get("results"));
    });

    client.pods().inNamespace(cluster.namespace()).withName(drifted.getMetadata().getName()).delete();
    await("the deleted pod's results gone").atMost(Workloads.TIMEOUT)
        .untilAsserted(() -> assertThat(resultsFor(drifted)).isEmpty());
    assertThat(resultsFor(clean)).hasSize(1);
  }

  @Test
  void findingsAnExceptionHoldsAreSkipped() {
    workloads.policy("held", "held", Mode.Remediate, spec -> {});
    workloads.deployment("held", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("held", 1).get(0);
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setName("hotfix");
    exception.getMetadata().setNamespace(cluster.namespace());
    ImmutabilityExceptionSpec spec = new ImmutabilityExceptionSpec();
    spec.setPodSelector(new LabelSelectorBuilder().addToMatchLabels("app", "held").build());
    spec.setReasons(List.of("ImageChanged"));
    spec.setExpiresAt(Instant.now().plusSeconds(600));
    spec.setJustification("INC-7: hot patch while the fix ships");
    exception.setSpec(spec);
    client.resource(exception).create();

    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    await("skip result").atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(resultsFor(pod)).singleElement().satisfies(r -> assertThat(r)
            .containsEntry("result", "skip").containsEntry("rule", "ImageChanged").containsEntry("policy", "held")));
  }

  @Test
  void evaluationsThatChangeNoResultWriteNoReport() throws Exception {
    workloads.policy("busy", "busy", Mode.Audit, spec -> {});
    workloads.deployment("busy", 3, Workloads.nginx().build());
    List<Pod> pods = workloads.awaitBaselines("busy", 3);
    await("pass results").atMost(Workloads.TIMEOUT).until(() -> pods.stream().allMatch(p -> resultsFor(p).size() == 1));
    // Settled: no report write across two flush intervals (other tests' pods may still be going away).
    AtomicReference<Double> last = new AtomicReference<>(-1.0);
    await("reports settled").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofMillis(2_500)).until(() ->
        last.getAndSet(metric("immutability_policy_report_writes_total")) == metric("immutability_policy_report_writes_total"));
    double writes = metric("immutability_policy_report_writes_total");
    double evaluations = metric("immutability_pod_evaluations_total");

    // Ten rounds spread over several flush intervals: each interval sees evaluations that changed nothing.
    for (int round = 0; round < 10; round++) {
      for (Pod pod : pods) {
        client.pods().inNamespace(cluster.namespace()).withName(pod.getMetadata().getName()).edit(p -> {
          p.getMetadata().getAnnotations().put("touched", String.valueOf(System.nanoTime()));
          return p;
        });
      }
      Thread.sleep(400);
    }
    await("the touches evaluated").atMost(Workloads.TIMEOUT)
        .until(() -> metric("immutability_pod_evaluations_total") - evaluations >= 30);

    assertThat(metric("immutability_policy_report_writes_total") - writes).isZero();
  }

  /**
   * The rule config/rbac/role.yaml grants for reports (the chart grants the same; PackagingIT compares them) is
   * enough: a reporter running as a ServiceAccount with only that rule creates, updates and deletes its report,
   * and the next run deletes the report an earlier one left where the policies have gone.
   */
  @Test
  void theGrantedVerbsAreEnoughToWriteReportsAndDeleteThoseAnEarlierRunLeft() throws IOException {
    PolicyRule granted;
    try (var in = Files.newInputStream(LocalCluster.projectRoot().resolve("config/rbac/role.yaml"))) {
      granted = Serialization.unmarshal(in, ClusterRole.class).getRules().stream()
          .filter(r -> r.getApiGroups().contains(ReportApi.WG_POLICY.group())).findFirst().orElseThrow();
    }
    // A namespace of its own, which the operator under test does not watch: its report is this reporter's alone.
    String namespace = "rbac-" + cluster.namespace();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    try {
      checkVerbs(namespace, granted);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  private static void checkVerbs(String namespace, PolicyRule granted) {
    client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder().withNewMetadata()
        .withName("reporter").endMetadata().build()).create();
    client.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName("reporter")
        .endMetadata().withRules(granted).build()).create();
    client.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("reporter").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "reporter")
        .addNewSubject().withKind("ServiceAccount").withName("reporter").withNamespace(namespace).endSubject()
        .build()).create();
    Config asReporter = new ConfigBuilder(client.getConfiguration())
        .withImpersonateUsername("system:serviceaccount:" + namespace + ":reporter").build();
    Pod pod = new PodBuilder().withNewMetadata().withName("rbac-probe").withNamespace(namespace).withUid("u-1")
        .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    AtomicBoolean hasPolicies = new AtomicBoolean(true);
    ReportedCluster state = new ReportedCluster() {
      @Override
      public boolean hasPod(String namespaceAndName, String uid) {
        return true;
      }

      @Override
      public boolean hasPolicies(String ns) {
        return hasPolicies.get();
      }

      @Override
      public boolean isSynced() {
        return true;
      }
    };
    try (KubernetesClient reporterClient = new KubernetesClientBuilder().withConfig(asReporter).build()) {
      PolicyReporter reporter = reporter(reporterClient, state, namespace);
      reporter.observe(pod, PodResults.of(pod, "probe", List.of(), List.of()));
      reporter.flush();
      assertThat(results(namespace)).singleElement().satisfies(r -> assertThat(r).containsEntry("policy", "probe"));
      reporter.observe(pod, PodResults.of(pod, "probe-2", List.of(), List.of()));
      reporter.flush();
      assertThat(results(namespace)).singleElement().satisfies(r -> assertThat(r).containsEntry("policy", "probe-2"));
      hasPolicies.set(false);
      reporter.forget(pod);
      reporter.flush();
      assertThat(report(namespace)).isNull();

      // A report an earlier run left in a namespace whose policies went meanwhile: the next run deletes it.
      hasPolicies.set(true);
      reporter.observe(pod, PodResults.of(pod, "probe", List.of(), List.of()));
      reporter.flush();
      assertThat(report(namespace)).isNotNull();
      reporter.close();
      hasPolicies.set(false);
      PolicyReporter nextRun = reporter(reporterClient, state, namespace);
      nextRun.flush();
      assertThat(report(namespace)).isNull();
      nextRun.close();
    }
  }

  private static PolicyReporter reporter(KubernetesClient client, ReportedCluster state, String namespace) {
    return new PolicyReporter(client, List.of(ReportApi.WG_POLICY), new OperatorMetrics(new SimpleMeterRegistry()),
        state, Set.of(namespace), PolicyReporter.MAX_BYTES);
  }

  private static double metric(String name) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + operator.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.E+-]+)$").matcher(text);
    double sum = 0;
    while (matcher.find()) {
      sum += Double.parseDouble(matcher.group(2));
    }
    return sum;
  }
}
