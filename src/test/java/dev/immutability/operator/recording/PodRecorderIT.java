package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a record costs the API server: at 10,000 pods each request counts. A record is written from the pod in the
 * operator's cache, so it is a PATCH alone, never a GET before it.
 */
@ExtendWith(ClusterExtension.class)
class PodRecorderIT {

  @Test
  void aBaselineIsOneRequestAndFindingsTwo(TestCluster cluster) throws IOException {
    cluster.client().pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName("recorded").endMetadata().withSpec(Workloads.nginx().build()).build()).create();
    // Once the node has made it ready, nobody but the recorder writes the pod.
    Pod pod = await().atMost(Workloads.TIMEOUT).until(
        () -> cluster.client().pods().inNamespace(cluster.namespace()).withName("recorded").get(), Workloads::isReady);
    List<String> requests = new CopyOnWriteArrayList<>();
    List<String> accepted = new CopyOnWriteArrayList<>();
    List<ObjectMeta> told = new CopyOnWriteArrayList<>();
    try (KubernetesClient counted = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig())))
        .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("count", new Interceptor() {
          @Override
          public void before(BasicBuilder request, HttpRequest sent, RequestTags tags) {
            requests.add(sent.method() + " " + sent.uri().getPath());
            accepted.add(String.valueOf(sent.header("Accept")));
          }
        })).build()) {
      PodRecorder recorder = new PodRecorder(counted, (base, written) -> told.add(written));
      String path = "/api/v1/namespaces/" + cluster.namespace() + "/pods/recorded";

      // The reconciler hands the recorder the cached pod itself: the recorder must leave it as it was.
      String podAsRead = Serialization.asJson(pod);
      recorder.recordBaseline(pod, new Baseline(Map.of("nginx", "nginx:1.27"), Map.of(), Map.of(), Instant.now()));
      assertThat(Serialization.asJson(pod)).isEqualTo(podAsRead);
      assertThat(requests).containsExactly("PATCH " + path);
      // The answer is the pod's metadata only, and the recorder is told the version its write made.
      assertThat(accepted).allMatch(accept -> accept.contains("as=PartialObjectMetadata"));
      assertThat(told).singleElement().extracting(ObjectMeta::getResourceVersion).isEqualTo(cluster.client().pods()
          .inNamespace(cluster.namespace()).withName("recorded").get().getMetadata().getResourceVersion());

      requests.clear();
      Pod baselined = cluster.client().pods().inNamespace(cluster.namespace()).withName("recorded").get();
      String baselinedAsRead = Serialization.asJson(baselined);
      recorder.recordFindings(baselined, List.of(Finding.of(DriftReason.ImageChanged, "nginx", "edited",
          Instant.now())), Instant.now());
      assertThat(Serialization.asJson(baselined)).isEqualTo(baselinedAsRead);
      assertThat(requests).containsExactly("PATCH " + path, "PATCH " + path + "/status");
      // The condition's answer too is metadata alone, and tells the version the findings and condition left.
      assertThat(accepted).hasSize(3).allMatch(accept -> accept.contains("as=PartialObjectMetadata"));
      assertThat(told).hasSize(3).last().extracting(ObjectMeta::getResourceVersion).isEqualTo(cluster.client()
          .pods().inNamespace(cluster.namespace()).withName("recorded").get().getMetadata().getResourceVersion());
    }
    Pod recorded = cluster.client().pods().inNamespace(cluster.namespace()).withName("recorded").get();
    assertThat(PodRecords.isDrifted(recorded)).isTrue();
    assertThat(PodRecords.baseline(recorded)).isPresent();
  }

  /** Records patched with the metadata-only answer fail as any client request does: callers tell 404 and 409 apart. */
  @Test
  void aStaleOrMissingPodFailsWithTheApiServersCode(TestCluster cluster) {
    KubernetesClient client = cluster.client();
    Pod pod = client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName("stale").endMetadata().withSpec(Workloads.nginx().build()).build()).create();
    PodRecorder recorder = new PodRecorder(client, (base, written) -> { });
    Baseline baseline = new Baseline(Map.of("nginx", "nginx:1.27"), Map.of(), Map.of(), Instant.now());
    // Someone else's write since the pod in hand was read.
    client.pods().inNamespace(cluster.namespace()).withName("stale")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}");

    assertThatThrownBy(() -> recorder.recordBaseline(pod, baseline)).isInstanceOfSatisfying(
        KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    client.pods().inNamespace(cluster.namespace()).withName("stale").withGracePeriod(0).delete();
    await().atMost(Workloads.TIMEOUT)
        .until(() -> client.pods().inNamespace(cluster.namespace()).withName("stale").get() == null);
    assertThatThrownBy(() -> recorder.recordBaseline(pod, baseline)).isInstanceOfSatisfying(
        KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }
}
