package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An event evaluates the pods it concerns: a ConfigMap's its consumers, not every pod the policy selects; a
 * policy's status write none at all.
 */
class EventCostIT extends OperatorTestBase {
  private static final int CROWD = 30;
  private static final int QUIET = 8;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static long evaluations() throws Exception {
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + operator.httpAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher matcher = Pattern.compile("(?m)^immutability_pod_evaluations_total ([0-9.E+]+)$").matcher(metrics);
    assertThat(matcher.find()).isTrue();
    return (long) Double.parseDouble(matcher.group(1));
  }

  private static void awaitSettled() {
    AtomicLong last = new AtomicLong(-1);
    await("evaluations settle").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2))
        .until(() -> last.getAndSet(evaluations()) == last.get());
  }

  @Test
  void aPolicysStatusWriteEvaluatesNoPod() throws Exception {
    workloads.policy("quiet", "quiet", Mode.Audit, spec -> {});
    workloads.deployment("quiet", QUIET, Workloads.nginx().build());
    String marker = workloads.awaitBaselines("quiet", QUIET).get(0).getMetadata().getName();
    await("status written").atMost(Workloads.TIMEOUT).until(() -> workloads.policy("quiet").getStatus() != null);
    awaitSettled();
    long before = evaluations();

    // A status-only write, as the operator makes itself; its own resync then writes the true count back.
    client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace()).withName("quiet").editStatus(p -> {
      p.getStatus().setDriftedPods(QUIET);
      return p;
    });
    await("status rewritten").atMost(Workloads.TIMEOUT)
        .until(() -> workloads.policy("quiet").getStatus().getDriftedPods() == 0);
    // A later pod event: once its finding is recorded, the status events before it have been processed.
    workloads.editImage(marker, "nginx:1.28");
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(marker)).stream()
        .anyMatch(f -> f.reason() == DriftReason.ImageChanged));
    long spent = evaluations() - before;

    // The marker's edit and the writes that follow it on the pod; each status write re-evaluating the policy's
    // pods would cost QUIET more.
    assertThat(spent).as("evaluations for three status writes and one image edit among %d pods", QUIET)
        .isPositive().isLessThan(QUIET);
  }

  @Test
  void aConfigMapChangeEvaluatesOnlyItsConsumers() throws Exception {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("cfg").endMetadata().addToData("k", "v1").build()).create();
    workloads.policy("fleet", "crowd", Mode.Audit, spec -> {});
    workloads.policy("consumer", "consumer", Mode.Audit, spec -> {});
    workloads.deployment("crowd", CROWD, Workloads.nginx().build());
    workloads.deployment("consumer", 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("cfg").endConfigMapRef().endEnvFrom().endContainer().build());
    workloads.awaitBaselines("crowd", CROWD);
    Pod consumer = workloads.awaitBaselines("consumer", 1).get(0);

    awaitSettled();
    long before = evaluations();

    client.configMaps().inNamespace(cluster.namespace()).withName("cfg").edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(consumer.getMetadata().getName()))
        .stream().anyMatch(f -> f.reason() == DriftReason.ConfigChanged));
    await().pollDelay(Duration.ofSeconds(2)).atMost(Workloads.TIMEOUT).until(() -> true);
    long spent = evaluations() - before;

    // The consumer is evaluated for the ConfigMap event and again for its own findings patch: never the crowd.
    assertThat(spent).as("evaluations for one ConfigMap change with %d other pods in the namespace", CROWD)
        .isBetween(1L, 4L);
  }
}
