package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.ImageMirrorWebhook;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A controller's own rollout is never drift: Deployments, StatefulSets (partition, OnDelete) and DaemonSets roll
 * to a new image while a Remediate policy watches, and no pod is flagged or evicted. Images rewritten by another
 * mutating webhook at admission are not drift either. An in-place edit still is.
 */
class RolloutSafetyIT extends OperatorTestBase {

  private static List<Finding> findings(String app) {
    return workloads.pods(app).stream().flatMap(p -> PodRecords.findings(p).stream()).toList();
  }

  private static long replaced(String policy) {
    var status = workloads.policy(policy).getStatus();
    return status == null ? 0 : status.getReplacedPods();
  }

  private static Set<String> uids(String app) {
    return workloads.pods(app).stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
  }

  private static void setImage(String kind, String name, String image) {
    assertThat(cluster.kubectl("set", "image", kind + "/" + name, "nginx=" + image, "-n", cluster.namespace())
        .output()).contains("image updated");
  }

  private static boolean allRun(String app, int count, String image) {
    List<Pod> ready = workloads.readyPods(app);
    return ready.size() == count
        && ready.stream().allMatch(p -> image.equals(p.getSpec().getContainers().get(0).getImage()));
  }

  @Test
  void aDeploymentRolloutIsNotDrift() {
    workloads.policy("deploy", "deploy", Mode.Remediate, spec -> {});
    workloads.deployment("deploy", 3, Workloads.nginx().build());
    workloads.awaitBaselines("deploy", 3);

    setImage("deployment", "deploy", "nginx:1.28");
    await("rollout done").atMost(Workloads.TIMEOUT).until(() -> allRun("deploy", 3, "nginx:1.28")
        && workloads.pods("deploy").size() == 3);
    workloads.awaitBaselines("deploy", 3);
    workloads.awaitOperatorCaughtUp();

    assertThat(findings("deploy")).isEmpty();
    assertThat(replaced("deploy")).isZero();
  }

  @Test
  void configChangedOnPodsADeploymentIsRollingOutIsLeftToTheRollout() {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("rolling").endMetadata().addToData("k", "v1").build()).create();
    workloads.policy("rolling", "rolling", Mode.Audit, spec -> {});
    workloads.deployment("rolling", 2, Workloads.nginx().editContainer(0).addNewEnvFrom()
        .withNewConfigMapRef().withName("rolling").endConfigMapRef().endEnvFrom().endContainer().build());
    Set<String> old = workloads.awaitBaselines("rolling", 2).stream().map(p -> p.getMetadata().getUid())
        .collect(Collectors.toSet());
    // The new pod never becomes available, so the rollout holds with both old pods still running.
    client.apps().deployments().inNamespace(cluster.namespace()).withName("rolling").edit(d -> {
      d.getSpec().setMinReadySeconds(3600);
      d.getSpec().setProgressDeadlineSeconds(7200);
      d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString(1));
      d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString(0));
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
      return d;
    });
    await("surged pod has a baseline").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("rolling").stream()
        .anyMatch(p -> !old.contains(p.getMetadata().getUid()) && PodRecords.baseline(p).isPresent()));

    client.configMaps().inNamespace(cluster.namespace()).withName("rolling").edit(cm -> {
      cm.getData().put("k", "v2");
      return cm;
    });
    // The newest ReplicaSet's pod is drifted: that proves the change was seen by every consumer.
    await("new pod drifted").atMost(Workloads.TIMEOUT).until(() -> workloads.pods("rolling").stream()
        .anyMatch(p -> !old.contains(p.getMetadata().getUid()) && PodRecords.isDrifted(p)));
    workloads.awaitOperatorCaughtUp();
    assertThat(workloads.pods("rolling")).filteredOn(p -> old.contains(p.getMetadata().getUid())).hasSize(2)
        .allSatisfy(p -> assertThat(PodRecords.findings(p)).as("old pod %s", p.getMetadata().getName()).isEmpty());
  }

  @Test
  void aStatefulSetCanaryWithAPartitionAndAnOnDeleteRolloutAreNotDrift() {
    workloads.policy("sts", "sts", Mode.Remediate, spec -> {});
    statefulSet("canary", "RollingUpdate");
    statefulSet("ondelete", "OnDelete");
    await("statefulsets ready").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("sts").size() == 6);
    workloads.awaitBaselines("sts", 6);
    Set<String> before = uids("sts");

    setImage("statefulset", "canary", "nginx:1.28");
    setImage("statefulset", "ondelete", "nginx:1.28");
    await("canary-2 at the new revision").atMost(Workloads.TIMEOUT).until(() -> {
      Pod canary = workloads.pod("canary-2");
      return canary != null && Workloads.isReady(canary)
          && "nginx:1.28".equals(canary.getSpec().getContainers().get(0).getImage())
          && PodRecords.baseline(canary).isPresent();
    });
    workloads.awaitOperatorCaughtUp();

    assertThat(findings("sts")).isEmpty();
    assertThat(replaced("sts")).isZero();
    Set<String> after = uids("sts");
    after.retainAll(before);
    assertThat(after).as("only canary-2 was replaced, by its controller").hasSize(5);

    // An in-place edit of a pod the partition holds at the old revision is still drift, and is healed once.
    workloads.editImage("canary-0", "nginx:1.29");
    await("canary-0 healed at its own revision").atMost(Workloads.TIMEOUT).until(() -> {
      Pod canary = workloads.pod("canary-0");
      return replaced("sts") == 1 && canary != null && Workloads.isReady(canary)
          && "nginx:1.27".equals(canary.getSpec().getContainers().get(0).getImage())
          && PodRecords.baseline(canary).isPresent();
    });
    workloads.awaitOperatorCaughtUp();
    assertThat(findings("sts")).isEmpty();
    assertThat(replaced("sts")).isEqualTo(1);
  }

  private static void statefulSet(String name, String strategy) {
    var builder = new StatefulSetBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels(Map.of("app", "sts", "set", name)).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "sts", "set", name)).endMetadata()
        .withSpec(Workloads.nginx().build()).endTemplate()
        .withNewUpdateStrategy().withType(strategy).endUpdateStrategy().endSpec();
    if ("RollingUpdate".equals(strategy)) {
      builder.editSpec().editUpdateStrategy().withNewRollingUpdate().withPartition(2).endRollingUpdate()
          .endUpdateStrategy().endSpec();
    }
    client.apps().statefulSets().inNamespace(cluster.namespace()).resource(builder.build()).create();
  }

  @Test
  void aDaemonSetRolloutIsNotDrift() {
    workloads.policy("agent", "agent", Mode.Remediate, spec -> {});
    client.apps().daemonSets().inNamespace(cluster.namespace()).resource(new DaemonSetBuilder()
        .withNewMetadata().withName("agent").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "agent").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "agent").endMetadata()
        .withSpec(Workloads.nginx().build()).endTemplate().endSpec().build()).create();
    await("daemonset ready").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("agent").size() == 3);
    workloads.awaitBaselines("agent", 3);

    setImage("daemonset", "agent", "nginx:1.28");
    await("rollout done").atMost(Workloads.TIMEOUT).until(() -> allRun("agent", 3, "nginx:1.28")
        && workloads.pods("agent").size() == 3);
    workloads.awaitBaselines("agent", 3);
    workloads.awaitOperatorCaughtUp();

    assertThat(findings("agent")).isEmpty();
    assertThat(replaced("agent")).isZero();
  }

  @Test
  void imagesRewrittenByAnotherMutatingWebhookAtAdmissionAreNotDrift() {
    try (ImageMirrorWebhook mirror = ImageMirrorWebhook.start(client, cluster.namespace())) {
      workloads.policy("mirrored", "mirrored", Mode.Remediate, spec -> {});
      PodSpec spec = Workloads.nginx().build();
      var deployment = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
          .withNewMetadata().withName("mirrored").endMetadata()
          .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "mirrored").endSelector()
          .withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "mirrored", ImageMirrorWebhook.LABEL, "true"))
          .endMetadata().withSpec(spec).endTemplate().endSpec().build();
      client.apps().deployments().inNamespace(cluster.namespace()).resource(deployment).create();
      List<Pod> pods = workloads.awaitBaselines("mirrored", 2);
      assertThat(pods).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage())
          .isEqualTo(ImageMirrorWebhook.MIRROR + "nginx:1.27"));

      // An in-place edit is still drift: healed once, and the mirrored replacement is not replaced again.
      String edited = pods.get(0).getMetadata().getName();
      workloads.editImage(edited, "nginx:1.28");
      await("edited pod replaced").atMost(Workloads.TIMEOUT).until(() -> replaced("mirrored") == 1
          && workloads.pod(edited) == null && workloads.readyPods("mirrored").stream()
              .filter(p -> PodRecords.baseline(p).isPresent()).count() == 2);
      workloads.awaitOperatorCaughtUp();

      assertThat(findings("mirrored")).isEmpty();
      assertThat(replaced("mirrored")).isEqualTo(1);
      assertThat(mirror.rewritten()).as("every pod, the replacement included, was rewritten").isEqualTo(3);
    }
  }
}
