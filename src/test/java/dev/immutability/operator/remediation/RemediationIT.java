package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecorder;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Remediate and Enforce replace drifted pods, within the policy's limits, through the real API server. */
class RemediationIT extends OperatorTestBase {

  private static ImmutabilityPolicyStatus status(String policy) {
    return workloads.policy(policy).getStatus();
  }

  private static Condition condition(String policy, String type) {
    ImmutabilityPolicyStatus status = status(policy);
    return status == null ? new Condition() : status.getConditions().stream().filter(c -> type.equals(c.getType()))
        .findFirst().orElse(new Condition());
  }

  private static void awaitReplaced(String app, Pod old, int replicas) {
    await(old.getMetadata().getName() + " replaced").atMost(Workloads.TIMEOUT).until(() -> {
      List<Pod> ready = workloads.readyPods(app);
      return ready.size() == replicas
          && ready.stream().noneMatch(p -> p.getMetadata().getUid().equals(old.getMetadata().getUid()));
    });
  }

  /** The reasons a replacement heals, each induced the way it happens on a real cluster. */
  enum Drift { ImageChanged, ImageDigestChanged, ConfigChanged, EphemeralContainer, ExecSession }

  @ParameterizedTest(name = "{0} in Remediate and Enforce")
  @EnumSource(Drift.class)
  void eachHealableReasonGetsThePodReplacedInRemediateAndEnforce(Drift drift) {
    for (Mode mode : List.of(Mode.Remediate, Mode.Enforce)) {
      String app = ("heal-" + drift + "-" + mode).toLowerCase(Locale.ROOT);
      client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
          .withName(app).endMetadata().addToData("k", "v1").build()).create();
      workloads.policy(app, app, mode, spec -> {});
      workloads.deployment(app, 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
          .withName(app).endConfigMapRef().endEnvFrom().endContainer().build());
      Pod pod = workloads.awaitBaselines(app, 1).get(0);

      if (drift == Drift.EphemeralContainer && mode == Mode.Enforce) {
        // Enforce refuses the debug container at admission, so there is nothing to replace.
        assertThatThrownBy(() -> induce(drift, pod, app)).hasMessageContaining("denies adding a debug container");
        assertThat(workloads.pod(pod.getMetadata().getName()).getSpec().getEphemeralContainers()).isNullOrEmpty();
        continue;
      }
      induce(drift, pod, app);

      awaitReplaced(app, pod, 1);
      await("status counts the replacement").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
        assertThat(status(app).getReplacedPods()).isEqualTo(1);
        assertThat(status(app).getRecentFindings()).anySatisfy(f -> {
          assertThat(f.getReason()).isEqualTo(drift.name());
          assertThat(f.getAction()).isEqualTo("Replaced");
        });
      });
      assertThat(PodRecords.isDrifted(workloads.readyPods(app).get(0))).as("the replacement is clean").isFalse();
    }
  }

  private static void induce(Drift drift, Pod pod, String app) {
    String name = pod.getMetadata().getName();
    switch (drift) {
      case ImageChanged -> workloads.editImage(name, "nginx:1.28");
      case ImageDigestChanged -> {
        pod.getStatus().getContainerStatuses().get(0).setImageID("nginx@sha256:" + "e".repeat(64));
        client.pods().inNamespace(cluster.namespace()).resource(pod).updateStatus();
      }
      case ConfigChanged -> client.configMaps().inNamespace(cluster.namespace()).withName(app).edit(cm -> {
        cm.getData().put("k", "v2");
        return cm;
      });
      case EphemeralContainer -> client.pods().inNamespace(cluster.namespace()).withName(name).ephemeralContainers()
          .edit(p -> new PodBuilder(p).editSpec().addNewEphemeralContainer().withName("debugger")
              .withImage("busybox").endEphemeralContainer().endSpec().build());
      case ExecSession -> recordSession(pod, app, Instant.now());
    }
  }

  /** What the admission webhook records when someone runs kubectl exec. */
  private static void recordSession(Pod pod, String policy, Instant at) {
    new PodRecorder(client, (base, written) -> { }).recordFindings(pod, List.of(Finding.of(DriftReason.ExecSession,
        "nginx", "alice ran [sh]", at).withPolicies(List.of(policy))), at);
  }

  @Test
  void aWritableRootFilesystemIsReportedNotChurned() {
    workloads.policy("rootfs", "rootfs", Mode.Remediate, spec -> spec.getRootFilesystem().setRequireReadOnly(true));
    workloads.deployment("rootfs", 1, Workloads.nginx().build());
    Pod pod = workloads.readyPods("rootfs").get(0);
    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(pod.getMetadata().getName())));
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(condition("rootfs", "Remediating").getReason()).isEqualTo("NothingToReplace");
      assertThat(status("rootfs").getRecentFindings()).extracting(RecentFinding::getAction).containsExactly("Recorded");
    });
    assertThat(workloads.pod(pod.getMetadata().getName()).getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(status("rootfs").getReplacedPods()).isZero();
  }

  @Test
  void aBarePodIsDeletedAndRecreatedFromItsDeclaredSpec() {
    workloads.policy("bare", "bare", Mode.Remediate, spec -> {});
    Pod bare = client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder()
        .withNewMetadata().withName("bare").addToLabels("app", "bare").addToAnnotations("team", "shop").endMetadata()
        .withSpec(Workloads.nginx().build()).build()).create();
    workloads.awaitBaselines("bare", 1);
    workloads.editImage("bare", "nginx:1.28");

    awaitReplaced("bare", bare, 1);
    Pod recreated = workloads.pod("bare");
    assertThat(recreated.getMetadata().getLabels()).containsEntry("app", "bare")
        .doesNotContainKey(PodRecords.DRIFTED_LABEL);
    assertThat(recreated.getMetadata().getAnnotations()).containsEntry("team", "shop")
        .doesNotContainKey(PodRecords.FINDINGS_ANNOTATION);
    assertThat(recreated.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
    await().atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(workloads.eventsFor("Pod", "bare")).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("PodRecreated")));

    // The recreated pod is watched like the first: a debug container gets it recreated again, without it.
    workloads.awaitBaselines("bare", 1);
    client.pods().inNamespace(cluster.namespace()).withName("bare").ephemeralContainers()
        .edit(p -> new PodBuilder(p).editSpec().addNewEphemeralContainer().withName("debugger")
            .withImage("busybox").endEphemeralContainer().endSpec().build());
    awaitReplaced("bare", recreated, 1);
    assertThat(workloads.pod("bare").getSpec().getEphemeralContainers()).isNullOrEmpty();
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(status("bare").getReplacedPods()).isEqualTo(2));
  }

  @Test
  void aPodDisruptionBudgetBlocksEvictionAndTheBlockShowsAsDegraded() {
    workloads.policy("guarded", "guarded", Mode.Remediate, spec -> {});
    workloads.deployment("guarded", 2, Workloads.nginx().build());
    client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace()).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("guarded").endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(0))
        .withNewSelector().addToMatchLabels("app", "guarded").endSelector().endSpec().build()).create();
    Pod pod = workloads.awaitBaselines("guarded", 2).get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");

    await("Degraded").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      Condition degraded = condition("guarded", "Degraded");
      assertThat(degraded.getStatus()).isEqualTo("True");
      assertThat(degraded.getReason()).isEqualTo("EvictionBlocked");
      assertThat(degraded.getMessage()).contains(pod.getMetadata().getName(), "PodDisruptionBudget");
    });
    assertThat(workloads.pod(pod.getMetadata().getName()).getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(workloads.eventsFor("Pod", pod.getMetadata().getName()))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("EvictionBlocked"));

    client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace()).withName("guarded").delete();
    awaitReplaced("guarded", pod, 2);
    await("no longer Degraded").atMost(Workloads.TIMEOUT)
        .untilAsserted(() -> assertThat(condition("guarded", "Degraded").getStatus()).isEqualTo("False"));
  }

  @Test
  void strategyDeleteReplacesEvenWhereABudgetWouldRefuseEviction() {
    workloads.policy("deleted", "deleted", Mode.Remediate, spec -> spec.getRemediation().setStrategy(Strategy.Delete));
    workloads.deployment("deleted", 1, Workloads.nginx().build());
    client.policy().v1().podDisruptionBudget().inNamespace(cluster.namespace()).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("deleted").endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(0))
        .withNewSelector().addToMatchLabels("app", "deleted").endSelector().endSpec().build()).create();
    Pod pod = workloads.awaitBaselines("deleted", 1).get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    awaitReplaced("deleted", pod, 1);
  }

  @Test
  void dryRunReportsAndReplacesNothing() {
    workloads.policy("dry", "dry", Mode.Remediate, spec -> spec.getRemediation().setDryRun(true));
    workloads.deployment("dry", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("dry", 1).get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");

    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(condition("dry", "Remediating").getReason()).isEqualTo("DryRun");
      assertThat(status("dry").getRecentFindings()).extracting(RecentFinding::getAction).containsExactly("WouldReplace");
      assertThat(workloads.eventsFor("Pod", pod.getMetadata().getName()))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("WouldReplace"));
    });
    await().pollDelay(Duration.ofSeconds(2)).atMost(Workloads.TIMEOUT).until(() -> true);
    assertThat(workloads.pod(pod.getMetadata().getName()).getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(status("dry").getReplacedPods()).isZero();
  }

  @Test
  void theExecGracePeriodDelaysTheReplacement() {
    workloads.policy("grace", "grace", Mode.Remediate, spec -> spec.getRemediation().setExecGracePeriod("8s"));
    workloads.deployment("grace", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("grace", 1).get(0);
    Instant exec = Instant.now();
    recordSession(pod, "grace", exec);

    await().pollDelay(Duration.ofSeconds(4)).atMost(Workloads.TIMEOUT).until(() -> true);
    assertThat(workloads.pod(pod.getMetadata().getName())).as("still there within the grace period").isNotNull()
        .satisfies(p -> assertThat(p.getMetadata().getDeletionTimestamp()).isNull());
    awaitReplaced("grace", pod, 1);
    assertThat(Instant.now()).isAfter(exec.plusSeconds(8));
  }

  @Test
  void maxUnavailableHoldsWhenAConfigMapChangeDriftsManyPods() throws InterruptedException {
    int replicas = 6;
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("fleet").endMetadata().addToData("k", "v1").build()).create();
    workloads.policy("fleet", "fleet", Mode.Remediate, spec -> spec.getRemediation().setMaxUnavailable(new IntOrString(1)));
    workloads.deployment("fleet", replicas, Workloads.nginx().addNewVolume().withName("cfg").withNewConfigMap()
        .withName("fleet").endConfigMap().endVolume().editContainer(0).addNewVolumeMount().withName("cfg")
        .withMountPath("/etc/fleet").endVolumeMount().endContainer().build());
    Set<String> original = workloads.awaitBaselines("fleet", replicas).stream().map(p -> p.getMetadata().getUid())
        .collect(Collectors.toSet());

    client.configMaps().inNamespace(cluster.namespace()).withName("fleet").edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });

    AtomicInteger fewestReady = new AtomicInteger(replicas);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      List<Pod> ready = workloads.readyPods("fleet");
      fewestReady.accumulateAndGet(ready.size(), Math::min);
      if (ready.size() == replicas && ready.stream().noneMatch(p -> original.contains(p.getMetadata().getUid()))) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(workloads.readyPods("fleet")).hasSize(replicas)
        .noneMatch(p -> original.contains(p.getMetadata().getUid()));
    assertThat(fewestReady.get()).as("never more than maxUnavailable=1 pod out of service").isEqualTo(replicas - 1);
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(status("fleet").getReplacedPods()).isEqualTo(replicas));
  }

  @Test
  void severalPoliciesRecordTheirFindingsAndTheStrictestModeGoverns() {
    workloads.policy("multi-audit", "multi", Mode.Audit, spec -> {});
    workloads.policy("multi-remediate", "multi", Mode.Remediate, spec -> {});
    workloads.deployment("multi", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("multi", 1).get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    awaitReplaced("multi", pod, 1);
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(workloads.eventsFor("ImmutabilityPolicy", "multi-audit"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DriftDetected"));
      assertThat(status("multi-remediate").getReplacedPods()).isEqualTo(1);
      assertThat(status("multi-audit").getReplacedPods()).isZero();
      assertThat(status("multi-audit").getRecentFindings()).extracting(RecentFinding::getPod)
          .contains(pod.getMetadata().getName());
    });
  }
}
