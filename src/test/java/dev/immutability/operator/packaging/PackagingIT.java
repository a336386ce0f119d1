package dev.immutability.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DeclaredState;
import dev.immutability.operator.drift.DriftDetector;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Helm chart and the kustomize configuration, checked with the real helm and the real API server. */
@ExtendWith(ClusterExtension.class)
class PackagingIT {
  private static final String CHART = "helm/immutability-operator";
  private static TestCluster cluster;
  private static String helm;

  @BeforeAll
  static void tools(TestCluster testCluster) {
    cluster = testCluster;
    helm = LocalCluster.tool("helm");
    LocalCluster.Result stubs = cluster.kubectl("apply", "--server-side", "-f", "src/test/resources/stub-crds.yaml");
    assertThat(stubs.exitCode()).as(stubs.output()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.kubectl("get", "servicemonitors,prometheusrules,"
        + "certificates.cert-manager.io,issuers.cert-manager.io", "-A").exitCode() == 0);
  }

  private static LocalCluster.Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(helm, "--kubeconfig", cluster.kubeconfig().toString()));
    command.addAll(List.of(args));
    return LocalCluster.exec(command, 300, false);
  }

  private static String render(String... sets) {
    List<String> args = new ArrayList<>(List.of("template", "immutability", CHART, "-n", cluster.namespace()));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    LocalCluster.Result rendered = helm(args.toArray(String[]::new));
    assertThat(rendered.exitCode()).as(rendered.output()).isZero();
    return rendered.output();
  }

  private static LocalCluster.Result serverDryRun(String manifests, String... namespace) throws IOException {
    Path file = Files.createTempFile("manifests", ".yaml");
    Files.writeString(file, manifests);
    try {
      List<String> args = new ArrayList<>(List.of("apply", "--dry-run=server", "-f", file.toString()));
      args.addAll(List.of(namespace));
      return cluster.kubectl(args.toArray(String[]::new));
    } finally {
      Files.delete(file);
    }
  }

  /** A dry run creates no namespace, so the objects meant for one need it to exist already. */
  private static void ensureNamespace(String name) {
    if (cluster.client().namespaces().withName(name).get() == null) {
      cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
          .build()).create();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> objects(String manifests) {
    Object parsed = Serialization.unmarshal(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)));
    return parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }

  @Test
  void helmLintPasses() {
    LocalCluster.Result lint = helm("lint", CHART, "--strict");
    assertThat(lint.exitCode()).as(lint.output()).isZero();
  }

  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", new String[0]),
        Arguments.of("cert-manager, monitoring, network policy, runtime events, client authentication", new String[] {
            "webhook.tls.mode=certManager", "metrics.serviceMonitor.enabled=true",
            "metrics.prometheusRule.enabled=true", "metrics.grafanaDashboard.enabled=true", "networkPolicy.enabled=true", "webhook.runtimeEventsToken=s3cret",
            "networkPolicy.webhookFrom[0].ipBlock.cidr=10.0.0.0/24", "webhook.clientCAConfigMap=apiserver-webhook-ca"}),
        Arguments.of("one namespace, no webhook, one replica", new String[] {
            "watchNamespaces={shop}", "webhook.enabled=false", "replicaCount=1", "leaderElection.enabled=false",
            "podDisruptionBudget.enabled=false"}),
        Arguments.of("external issuer, strict failure policy", new String[] {
            "webhook.tls.mode=certManager", "webhook.tls.certManager.issuerRef.name=corp-ca",
            "webhook.tls.certManager.issuerRef.kind=ClusterIssuer", "webhook.failurePolicy=Fail"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void theChartRendersAndTheApiServerAcceptsIt(String name, String[] sets) throws IOException {
    // Roles for a watched namespace land in the test's namespace: a dry run applies into one namespace.
    String manifests = render(sets).replace("namespace: shop", "namespace: " + cluster.namespace());
    LocalCluster.Result applied = serverDryRun(manifests, "-n", cluster.namespace());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    assertThat(applied.output()).contains("deployment.apps/immutability-operator created (server dry run)");
  }

  @Test
  void invalidValuesAreRefusedByTheSchema() {
    LocalCluster.Result bad = helm("template", "x", CHART, "--set", "webhook.failurePolicy=Sometimes");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.output()).contains("failurePolicy");
  }

  @Test
  void kustomizeBuildsAndTheApiServerAcceptsIt() throws IOException {
    LocalCluster.Result built = cluster.kubectl("kustomize", "config/default");
    assertThat(built.exitCode()).as(built.output()).isZero();
    ensureNamespace("immutability-system");
    ensureNamespace("demo");
    LocalCluster.Result applied = serverDryRun(built.output());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
    LocalCluster.Result samples = cluster.kubectl("apply", "--dry-run=server", "-k", "config/samples");
    assertThat(samples.exitCode()).as(samples.output()).isZero();
    LocalCluster.Result monitoring = cluster.kubectl("apply", "--dry-run=server", "-k", "config/prometheus");
    assertThat(monitoring.exitCode()).as(monitoring.output()).isZero();
  }

  @Test
  void policyReportsOffGrantsNothingOnReports() {
    for (boolean enabled : List.of(true, false)) {
      List<HasMetadata> objects = objects(render("policyReports.enabled=" + enabled));
      assertThat(only(objects, ClusterRole.class).getRules().stream().anyMatch(r -> r.getResources().equals(
          List.of("policyreports", "reports")) && r.getVerbs().equals(List.of("list", "create", "patch", "delete"))))
          .isEqualTo(enabled);
      assertThat(only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
          .anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POLICY_REPORTS");
            assertThat(e.getValue()).isEqualTo(String.valueOf(enabled));
          });
    }
  }

  @Test
  void helmAndKustomizeShipTheDashboardForGrafanasSidecar() throws IOException {
    String dashboard = Files.readString(Path.of("config/grafana/immutability-operator-dashboard.json"));
    LocalCluster.Result built = cluster.kubectl("kustomize", "config/grafana");
    assertThat(built.exitCode()).as(built.output()).isZero();
    for (String manifests : List.of(render("metrics.grafanaDashboard.enabled=true"), built.output())) {
      ConfigMap configMap = only(objects(manifests), ConfigMap.class);
      assertThat(configMap.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
      assertThat(configMap.getData().get("immutability-operator-dashboard.json").strip()).isEqualTo(dashboard.strip());
    }
    assertThat(objects(render())).noneMatch(ConfigMap.class::isInstance);
  }

  @Test
  void helmAndKustomizeGrantTheSameRbac() {
    ClusterRole fromHelm = only(objects(render()), ClusterRole.class);
    ClusterRole fromKustomize = only(objects(cluster.kubectl("kustomize", "config/default").output()), ClusterRole.class);
    assertThat(fromHelm.getRules()).isEqualTo(fromKustomize.getRules());
  }

  @Test
  void helmAndKustomizeExemptOnlyTheOperatorsOwnAccountFromTheRecordsPolicy() {
    Map<String, String> accounts = Map.of(render(),
        "system:serviceaccount:" + cluster.namespace() + ":immutability-operator",
        cluster.kubectl("kustomize", "config/default").output(),
        "system:serviceaccount:immutability-system:immutability-operator");
    accounts.forEach((manifests, account) -> {
      ValidatingAdmissionPolicy policy = only(objects(manifests), ValidatingAdmissionPolicy.class);
      assertThat(policy.getSpec().getMatchConditions()).singleElement()
          .satisfies(c -> assertThat(c.getExpression()).isEqualTo("request.userInfo.username != '" + account + "'"));
      assertThat(only(objects(manifests), ValidatingAdmissionPolicyBinding.class).getSpec().getPolicyName())
          .isEqualTo(policy.getMetadata().getName());
    });
  }

  @Test
  void withWatchedNamespacesTheChartGrantsNamespacedRolesAndPodsCreateOnlyForBarePodRecreation() {
    List<HasMetadata> objects = objects(render("watchNamespaces={shop,web}", "remediation.recreateBarePods=false"));
    ClusterRole clusterRole = only(objects, ClusterRole.class);
    assertThat(clusterRole.getRules()).as("only the cluster-scoped webhook configurations")
        .allSatisfy(r -> assertThat(r.getApiGroups()).containsExactly("admissionregistration.k8s.io"));
    List<Role> roles = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .filter(r -> r.getMetadata().getName().equals("immutability-operator")).toList();
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrder("shop", "web");
    assertThat(roles).allSatisfy(role -> assertThat(role.getRules()).filteredOn(r -> r.getResources().equals(
        List.of("pods"))).singleElement().satisfies(r -> assertThat(r.getVerbs()).doesNotContain("create")));
    assertThat(objects).filteredOn(RoleBinding.class::isInstance).extracting(o -> o.getMetadata().getNamespace())
        .contains("shop", "web");
    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("BARE_POD_RECREATION");
          assertThat(e.getValue()).isEqualTo("false");
        });
  }

  @Test
  void theOperatorsOwnPodPassesItsOwnStrictestPolicy() {
    for (String manifests : List.of(render(), cluster.kubectl("kustomize", "config/default").output())) {
      Deployment deployment = only(objects(manifests), Deployment.class);
      Pod pod = new PodBuilder().withMetadata(deployment.getSpec().getTemplate().getMetadata())
          .withSpec(deployment.getSpec().getTemplate().getSpec()).build();
      ImmutabilityPolicySpec strict = new ImmutabilityPolicySpec();
      strict.setSelector(new LabelSelectorBuilder().addToMatchLabels("app.kubernetes.io/name", "immutability-operator")
          .build());
      strict.setMode(Mode.Enforce);
      strict.getRootFilesystem().setRequireReadOnly(true);
      assertThat(DriftDetector.detect(pod, new DeclaredState(Map.of(), null, Map.of()), strict, Instant.now()))
          .isEmpty();
      assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSpec().getContainers()).allSatisfy(c -> {
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
      });
    }
  }

  @Test
  void helmInstallCreatesTheObjects() {
    String release = "io-" + cluster.namespace().substring(cluster.namespace().length() - 6);
    // No webhook: its Service would point the API server at fake pod addresses. No records policy: it would bind
    // cluster-wide and refuse the records of operators other tests run under another identity.
    LocalCluster.Result install = helm("install", release, CHART, "-n", cluster.namespace(), "--set",
        "webhook.enabled=false", "--set", "recordsPolicy.enabled=false", "--set", "fullnameOverride=" + release,
        "--skip-crds", "--wait=false");
    assertThat(install.exitCode()).as(install.output()).isZero();
    try {
      var client = cluster.client();
      assertThat(client.apps().deployments().inNamespace(cluster.namespace()).withName(release).get()).isNotNull();
      assertThat(client.serviceAccounts().inNamespace(cluster.namespace()).withName(release).get()).isNotNull();
      assertThat(client.rbac().clusterRoles().withName(release).get()).isNotNull();
      assertThat(client.services().inNamespace(cluster.namespace()).withName(release + "-metrics").get()).isNotNull();
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace()).withName(release).get())
          .isNotNull();
      await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace(cluster.namespace())
          .withLabel("app.kubernetes.io/instance", release).list().getItems().size() == 2);
    } finally {
      helm("uninstall", release, "-n", cluster.namespace());
    }
  }
}
