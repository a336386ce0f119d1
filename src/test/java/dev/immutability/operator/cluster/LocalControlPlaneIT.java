package dev.immutability.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.webhook.SelfManagedCertificates;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the test cluster is a real one: controllers, a scheduler, nodes that run pods, and admission. */
@ExtendWith(ClusterExtension.class)
class LocalControlPlaneIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static TestCluster cluster;
  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void deployWeb(TestCluster testCluster) {
    cluster = testCluster;
    client = testCluster.client();
    namespace = testCluster.namespace();
    Deployment web = new DeploymentBuilder()
        .withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withReplicas(3)
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.27").endContainer().endSpec()
        .endTemplate().endSpec().build();
    client.apps().deployments().inNamespace(namespace).resource(web).create();
    await("3 running, ready pods").atMost(TIMEOUT).until(() -> readyPods().size() == 3);
  }

  @Test
  void deploymentCreatesAReplicaSetAndPodsThatRunOnNodesWithImageDigests() {
    assertThat(client.apps().replicaSets().inNamespace(namespace).withLabel("app", "web").list().getItems())
        .hasSize(1);
    for (Pod pod : readyPods()) {
      assertThat(pod.getSpec().getNodeName()).startsWith("kwok-node-");
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("ReplicaSet"));
      ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
      assertThat(status.getReady()).isTrue();
      assertThat(status.getState().getRunning()).isNotNull();
      assertThat(status.getImageID()).matches("nginx@sha256:[0-9a-f]{64}");
    }
  }

  @Test
  void deletingAPodMakesTheReplicaSetCreateAFreshOne() {
    Pod victim = readyPods().get(0);
    client.pods().inNamespace(namespace).withName(victim.getMetadata().getName()).delete();
    await("a replacement pod").atMost(TIMEOUT).until(() -> {
      List<Pod> pods = readyPods();
      return pods.size() == 3 && pods.stream().noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
    });
  }

  @Test
  void aPodImageEditedInPlaceIsPersisted() {
    Pod pod = readyPods().get(0);
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
        .edit(p -> {
          p.getSpec().getContainers().get(0).setImage("nginx:1.28");
          return p;
        });
    Pod stored = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
    assertThat(stored.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28");
    assertThat(client.apps().deployments().inNamespace(namespace).withName("web").get()
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
  }

  @Test
  void kubectlExecReachesAdmissionAsAConnectOnPodsExec() throws IOException {
    List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    SelfManagedCertificates certificates = SelfManagedCertificates.issue(List.of("127.0.0.1"), Duration.ofHours(1));
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(certificates.sslContext()));
    server.createContext("/validate", exchange -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> review = Serialization.unmarshal(exchange.getRequestBody(), Map.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> request = (Map<String, Object>) review.get("request");
      requests.add(request);
      byte[] body = Serialization.asJson(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
          "response", Map.of("uid", request.get("uid"), "allowed", true))).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    String webhookName = "exec-probe-" + namespace;
    ValidatingWebhookConfiguration configuration = new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(webhookName).endMetadata()
        .addNewWebhook().withName("exec.probe.immutability.dev")
        .withNewClientConfig()
        .withUrl("https://127.0.0.1:" + server.getAddress().getPort() + "/validate")
        .withCaBundle(Base64.getEncoder().encodeToString(certificates.caBundlePem().getBytes(StandardCharsets.UTF_8)))
        .endClientConfig()
        .addNewRule().withOperations("CONNECT").withApiGroups("").withApiVersions("v1")
        .withResources("pods/exec").endRule()
        .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector()
        .withSideEffects("None").withAdmissionReviewVersions("v1").withFailurePolicy("Fail").withTimeoutSeconds(5)
        .endWebhook().build();
    client.admissionRegistration().v1().validatingWebhookConfigurations().resource(configuration).create();
    try {
      String pod = readyPods().get(0).getMetadata().getName();
      // The configuration takes effect once the API server's informer sees it: retry until the webhook is called.
      await("the webhook to be called").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
        cluster.kubectl("exec", "-n", namespace, pod, "--", "cat", "/etc/hostname");
        return !requests.isEmpty();
      });
      Map<String, Object> request = requests.get(0);
      assertThat(request).containsEntry("operation", "CONNECT").containsEntry("subResource", "exec")
          .containsEntry("name", pod).containsEntry("namespace", namespace);
      assertThat(request.get("object").toString()).contains("cat");
    } finally {
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName(webhookName).delete();
      server.stop(0);
    }
  }

  private static List<Pod> readyPods() {
    return client.pods().inNamespace(namespace).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .filter(p -> p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
        .toList();
  }
}
