package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default install on a real node: the operator's image built without a container engine, the Helm chart with
 * its webhook behind the Service, two replicas under the chart's restricted security context.
 */
@ExtendWith(ClusterExtension.class)
class ChartInstallIT {
  private static final String IMAGE_REPOSITORY = "local.test/immutability-operator";
  private static final String IMAGE_TAG = "it";
  private static final String NAME = "immutability-operator";
  private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", NAME);
  private static final Pattern SESSIONS_ANSWERED = Pattern.compile(
      "(?m)^immutability_webhook_request_duration_seconds_count\\{[^}]*operation=\"CONNECT\"[^}]*} (\\S+)");
  private static TestCluster cluster;
  private static KubernetesClient client;
  private static String apps;
  private static String helm;

  @BeforeAll
  static void install(TestCluster testCluster) throws Exception {
    cluster = testCluster;
    client = cluster.client();
    RealNode.require(cluster);
    Path tar = LocalCluster.projectRoot().resolve("target/operator-image-it.tar");
    LocalCluster.Result image = LocalCluster.exec(List.of("hack/operator-image.sh", IMAGE_REPOSITORY + ":" + IMAGE_TAG,
        tar.toString()), 600, false);
    assertThat(image.exitCode()).as(image.output()).isZero();
    RealNode.load(tar);
    helm = LocalCluster.exec(List.of("hack/tools.sh", "helm"), 900, true).output().strip();

    // The API server's webhook client CA, so admission reviews are taken only from it (the README's set-up).
    Path clientCa = cluster.webhookClientFile("webhook-client-ca.crt").orElseThrow();
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("webhook-client-ca").endMetadata().addToData("ca.crt", Files.readString(clientCa)).build()).create();
    LocalCluster.Result install = helm("install", "immutability", "helm/immutability-operator",
        "-n", cluster.namespace(), "--set", "image.repository=" + IMAGE_REPOSITORY, "--set", "image.tag=" + IMAGE_TAG,
        "--set", "image.pullPolicy=Never", "--set", "webhook.clientCAConfigMap=webhook-client-ca",
        "--set-string", "nodeSelector.immutability\\.dev/real-node=true",
        "--set", "tolerations[0].key=" + RealNode.LABEL, "--set", "tolerations[0].operator=Exists");
    assertThat(install.exitCode()).as(install.output()).isZero();
    await("2 operator replicas ready").atMost(Duration.ofSeconds(180))
        .until(() -> operatorPods().stream().filter(Workloads::isReady).count() == 2);

    // Workloads live outside the release namespace, which the chart's webhooks leave alone.
    apps = cluster.namespace() + "-apps";
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(apps)
        .addToLabels("immutability.dev/test", "true").endMetadata().build()).create();
    await("default service account in " + apps).atMost(Workloads.TIMEOUT)
        .until(() -> client.serviceAccounts().inNamespace(apps).withName("default").get() != null);
  }

  @AfterAll
  static void uninstall() {
    if (helm != null) {
      helm("uninstall", "immutability", "-n", cluster.namespace(), "--wait", "--timeout", "120s");
    }
    if (apps != null) {
      client.namespaces().withName(apps).delete();
    }
  }

  private static LocalCluster.Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(helm, "--kubeconfig", cluster.kubeconfig().toString()));
    command.addAll(List.of(args));
    return LocalCluster.exec(command, 300, false);
  }

  private static List<Pod> operatorPods() {
    return client.pods().inNamespace(cluster.namespace()).withLabels(SELECTOR).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  @Test
  void theOperatorRunsAsNonRootWithAReadOnlyRootAndNoCapabilities() throws Exception {
    for (Pod pod : operatorPods()) {
      ContainerStatus container = pod.getStatus().getContainerStatuses().get(0);
      assertThat(container.getReady()).isTrue();
      assertThat(container.getImage()).isEqualTo(IMAGE_REPOSITORY + ":" + IMAGE_TAG);
      // What the kernel says of the running JVM, not what the spec asks for.
      Path process = Path.of("/proc", Long.toString(RealNode.hostPid(cluster, container.getContainerID())));
      Map<String, String> status = procStatus(process.resolve("status"));
      assertThat(status.get("Uid")).as("real, effective, saved and fs uid").isEqualTo("65532\t65532\t65532\t65532");
      assertThat(status.get("Gid")).isEqualTo("65532\t65532\t65532\t65532");
      assertThat(status.get("CapEff")).isEqualTo("0000000000000000");
      assertThat(status.get("CapPrm")).isEqualTo("0000000000000000");
      assertThat(status.get("NoNewPrivs")).isEqualTo("1");
      assertThat(Files.readAllLines(process.resolve("mountinfo"))).as("the container's root mount")
          .filteredOn(l -> l.split(" ")[4].equals("/")).singleElement()
          .satisfies(l -> assertThat(l.split(" ")[5]).startsWith("ro"));
    }
  }

  @Test
  void oneReplicaLeadsAndKeepsRenewingItsLease() {
    List<String> names = operatorPods().stream().map(p -> p.getMetadata().getName()).toList();
    await("a leader").atMost(Workloads.TIMEOUT).until(() -> lease() != null
        && names.contains(lease().getSpec().getHolderIdentity()));
    Lease first = lease();
    // Renewals (every few seconds) are what a leader that cannot write its Lease fails at.
    await("a renewal by the same leader").atMost(Workloads.TIMEOUT).until(() -> {
      Lease now = lease();
      return now.getSpec().getHolderIdentity().equals(first.getSpec().getHolderIdentity())
          && now.getSpec().getRenewTime().isAfter(first.getSpec().getRenewTime());
    });
    for (Pod pod : operatorPods()) {
      ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
      // A restart says why in the container's last state and its previous log.
      assertThat(status.getRestartCount()).as("restarts of %s; last state %s; previous log:%n%s",
          pod.getMetadata().getName(), status.getLastState(), status.getRestartCount() == 0 ? ""
              : cluster.kubectl("-n", cluster.namespace(), "logs", pod.getMetadata().getName(), "--previous",
                  "--tail=40").output()).isZero();
    }
  }

  private static Lease lease() {
    return client.leases().inNamespace(cluster.namespace()).withName(NAME).get();
  }

  @Test
  void eachReplicaServesAdmissionThroughTheServiceAndEverySessionIsRecorded() throws Exception {
    ImmutabilityPolicy policy = policy(apps, "sessions", Map.of("app", "target"), Mode.Audit, spec -> {});
    client.resource(policy).create();
    client.pods().inNamespace(apps).resource(new PodBuilder().withNewMetadata().withName("target")
        .addToLabels("app", "target").endMetadata().withSpec(RealNode.spec().build()).build()).create();
    await("target baseline").atMost(Workloads.TIMEOUT)
        .until(() -> PodRecords.baseline(client.pods().inNamespace(apps).withName("target").get()).isPresent());

    Map<String, Double> before = sessionsAnsweredByReplica();
    exec("session-1");
    String first = answeredSince(before);
    // The API server keeps its connection to the replica it reached; when that replica goes, it dials the
    // Service's endpoints again and reaches the other.
    client.pods().inNamespace(cluster.namespace()).withName(first).delete();
    await(first + " gone from the Service").atMost(Workloads.TIMEOUT).until(() -> client.pods()
        .inNamespace(cluster.namespace()).withName(first).get() == null && !webhookEndpoints().contains(first));
    before = sessionsAnsweredByReplica();
    exec("session-2");
    String second = answeredSince(before);
    assertThat(second).isNotEqualTo(first);

    await("both sessions recorded").atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(
        PodRecords.findings(client.pods().inNamespace(apps).withName("target").get()))
        .filteredOn(f -> f.reason() == DriftReason.ExecSession).extracting(Finding::message)
        .containsExactlyInAnyOrder("admin ran [echo, session-1] in container main",
            "admin ran [echo, session-2] in container main"));
    await("2 operator replicas ready again").atMost(Duration.ofSeconds(180))
        .until(() -> operatorPods().stream().filter(Workloads::isReady).count() == 2);
  }

  private static void exec(String word) {
    LocalCluster.Result exec = cluster.kubectl("-n", apps, "exec", "target", "--", "echo", word);
    assertThat(exec.exitCode()).as(exec.output()).isZero();
    assertThat(exec.output()).contains(word);
  }

  /** The one replica whose count of answered sessions grew. */
  private static String answeredSince(Map<String, Double> before) throws Exception {
    Map<String, Double> now = sessionsAnsweredByReplica();
    List<String> answered = now.entrySet().stream().filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0.0))
        .map(Map.Entry::getKey).toList();
    assertThat(answered).as("replicas that answered: " + before + " -> " + now).hasSize(1);
    return answered.get(0);
  }

  /** Names of the pods behind the webhook Service, as the API server's endpoint routing sees them. */
  private static List<String> webhookEndpoints() {
    return client.discovery().v1().endpointSlices().inNamespace(cluster.namespace())
        .withLabel("kubernetes.io/service-name", NAME + "-webhook").list().getItems().stream()
        .flatMap(s -> s.getEndpoints().stream())
        .map(e -> e.getTargetRef() == null ? "" : e.getTargetRef().getName()).toList();
  }

  @Test
  void theOperatorPassesItsOwnStrictestPolicy() {
    client.resource(policy(cluster.namespace(), "self", SELECTOR, Mode.Enforce, spec -> {
      spec.getRootFilesystem().setRequireReadOnly(true);
    })).create();
    await("both operator pods evaluated").atMost(Workloads.TIMEOUT).until(() -> operatorPods().stream()
        .allMatch(p -> PodRecords.baseline(p).isPresent()));
    await("status").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      ImmutabilityPolicy self = client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace())
          .withName("self").get();
      assertThat(self.getStatus().getObservedGeneration()).isEqualTo(self.getMetadata().getGeneration());
      assertThat(self.getStatus().getMatchedPods()).isEqualTo(2);
      assertThat(self.getStatus().getDriftedPods()).isZero();
    });
    assertThat(operatorPods()).hasSize(2).allSatisfy(p -> assertThat(PodRecords.findings(p)).isEmpty());
  }

  private static ImmutabilityPolicy policy(String namespace, String name, Map<String, String> labels, Mode mode,
      Consumer<ImmutabilityPolicySpec> customize) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(namespace);
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(labels).build());
    spec.setMode(mode);
    customize.accept(spec);
    policy.setSpec(spec);
    return policy;
  }

  /**
   * Admission reviews of exec/attach each ready replica has answered, from its own metrics at its pod address (a
   * replica not ready is not behind the Service).
   */
  private static Map<String, Double> sessionsAnsweredByReplica() throws Exception {
    Map<String, Double> answered = new HashMap<>();
    HttpClient http = HttpClient.newHttpClient();
    for (Pod pod : operatorPods().stream().filter(Workloads::isReady).toList()) {
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.getStatus().getPodIP()
          + ":8080/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher matcher = SESSIONS_ANSWERED.matcher(metrics);
      answered.put(pod.getMetadata().getName(), matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0);
    }
    return answered;
  }

  private static Map<String, String> procStatus(Path file) throws Exception {
    Map<String, String> fields = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int colon = line.indexOf(':');
      fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    return fields;
  }
}
