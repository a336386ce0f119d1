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
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
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

  /**
   * Evaluations spent on {@code change} until {@code done}, and on everything it caused: counted up to a marker
   * drift awaited afterwards, less what such a marker costs on its own (the larger of two measurements, so a
   * marker that happens to cost more never fails the test). The bounds below catch costs that grow with the
   * number of pods (31 pods here), not a difference of one or two.
   */
  private long evaluationsSpentOn(Runnable change, Callable<Boolean> done) throws Exception {
    workloads.awaitOperatorCaughtUp();
    long markerCost = 0;
    for (int i = 0; i < 2; i++) {
      long start = evaluations();
      workloads.awaitOperatorCaughtUp();
      markerCost = Math.max(markerCost, evaluations() - start);
    }
    long before = evaluations();
    change.run();
    await().atMost(Workloads.TIMEOUT).until(done);
    workloads.awaitOperatorCaughtUp();
    return evaluations() - before - markerCost;
  }

  private void changeConfigMap(String name) {
    client.configMaps().inNamespace(cluster.namespace()).withName(name).edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });
  }

  private void createConfigMap(String name) {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(name).endMetadata().addToData("k", "v1").build()).create();
  }

  private boolean hasFinding(String pod, DriftReason reason) {
    return PodRecords.findings(workloads.pod(pod)).stream().anyMatch(f -> f.reason() == reason);
  }

  @Test
  void aConfigMapChangeEvaluatesOnlyItsConsumers() throws Exception {
    createConfigMap("cfg");
    workloads.policy("fleet", "crowd", Mode.Audit, spec -> {});
    workloads.policy("consumer", "consumer", Mode.Audit, spec -> {});
    workloads.deployment("crowd", CROWD, Workloads.nginx().build());
    workloads.deployment("consumer", 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("cfg").endConfigMapRef().endEnvFrom().endContainer().build());
    workloads.awaitBaselines("crowd", CROWD);
    String consumer = workloads.awaitBaselines("consumer", 1).get(0).getMetadata().getName();

    long spent = evaluationsSpentOn(() -> changeConfigMap("cfg"),
        () -> hasFinding(consumer, DriftReason.ConfigChanged));

    // The consumer is evaluated for the ConfigMap event and again for its own findings patch: never the crowd.
    assertThat(spent).as("evaluations for one ConfigMap change with %d other pods in the namespace", CROWD)
        .isLessThanOrEqualTo(4L);
  }

  /**
   * One pod of many under the same policy drifts: its findings, the policy's status write that counts it, and the
   * policy's Events must not re-evaluate the policy's other pods.
   */
  @Test
  void aSinglePodDriftUnderTheCrowdsPolicyCostsAtMostFiveEvaluations() throws Exception {
    createConfigMap("shared");
    workloads.policy("herd", "herd", Mode.Audit, spec -> spec.setSelector(new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("app").withOperator("In").withValues("herd", "herd-consumer")
        .endMatchExpression().build()));
    workloads.deployment("herd", CROWD, Workloads.nginx().build());
    workloads.deployment("herd-consumer", 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("shared").endConfigMapRef().endEnvFrom().endContainer().build());
    workloads.awaitBaselines("herd", CROWD);
    String consumer = workloads.awaitBaselines("herd-consumer", 1).get(0).getMetadata().getName();
    await("policy counts every pod").atMost(Workloads.TIMEOUT)
        .until(() -> workloads.policy("herd").getStatus().getMatchedPods() == CROWD + 1);

    long configSpent = evaluationsSpentOn(() -> changeConfigMap("shared"),
        () -> hasFinding(consumer, DriftReason.ConfigChanged)
            && workloads.policy("herd").getStatus().getDriftedPods() == 1);
    String crowdPod = workloads.readyPods("herd").get(0).getMetadata().getName();
    long imageSpent = evaluationsSpentOn(() -> workloads.editImage(crowdPod, "nginx:1.28"),
        () -> hasFinding(crowdPod, DriftReason.ImageChanged)
            && workloads.policy("herd").getStatus().getDriftedPods() == 2);

    assertThat(configSpent).as("evaluations for a ConfigMap change drifting 1 of %d pods of one policy", CROWD + 1)
        .isLessThanOrEqualTo(5L);
    assertThat(imageSpent).as("evaluations for an image edited on 1 of %d pods of one policy", CROWD + 1)
        .isLessThanOrEqualTo(5L);
  }

  /**
   * One change drifting many pods of a policy: past ten, the policy's DriftDetected Events are combined into one
   * whose count grows, as client-go's recorder does, instead of an Event write per pod.
   */
  @Test
  void aChangeDriftingManyPodsLeavesThePolicyTenEventsAndOneCombined() {
    int pods = 15;
    createConfigMap("flock-config");
    workloads.policy("flock", "flock", Mode.Audit, spec -> {});
    workloads.deployment("flock", pods, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("flock-config").endConfigMapRef().endEnvFrom().endContainer().build());
    workloads.awaitBaselines("flock", pods);

    changeConfigMap("flock-config");

    await("every drift counted in the policy's Events").atMost(Workloads.TIMEOUT).until(() -> workloads
        .eventsFor("ImmutabilityPolicy", "flock").stream().filter(e -> "DriftDetected".equals(e.getReason()))
        .mapToInt(e -> e.getCount() == null ? 1 : e.getCount()).sum() == pods);
    List<Event> drift = workloads.eventsFor("ImmutabilityPolicy", "flock").stream()
        .filter(e -> "DriftDetected".equals(e.getReason())).toList();
    assertThat(drift).hasSize(11);
    assertThat(drift).filteredOn(e -> e.getMessage().startsWith("(combined from similar events): pod flock-"))
        .singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(pods - 10));
  }
}
