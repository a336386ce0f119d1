package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorEnvironment;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Healing never costs a workload more than maxUnavailable pods, whatever refuses the replacements. */
@OperatorEnvironment("REPLACEMENT_TIMEOUT=6s")
class NeverDrainIT extends OperatorTestBase {

  private static Condition degraded(String policy) {
    var status = workloads.policy(policy).getStatus();
    return status == null ? new Condition() : status.getConditions().stream()
        .filter(c -> "Degraded".equals(c.getType())).findFirst().orElse(new Condition());
  }

  private static void configMap(String name) {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(name).endMetadata().addToData("k", "v1").build()).create();
  }

  private static void changeConfigMap(String name) {
    client.configMaps().inNamespace(cluster.namespace()).withName(name).edit(cm -> {
      cm.getData().put("k", cm.getData().get("k") + "+");
      return cm;
    });
  }

  /** A Deployment whose pods read the ConfigMap of the same name, so one edit drifts every pod. */
  private static void deploymentReading(String app, int replicas) {
    configMap(app);
    workloads.deployment(app, replicas, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName(app).endConfigMapRef().endEnvFrom().endContainer().build());
  }

  private static Set<String> uids(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /** A bare pod under an Audit policy of its own, whose later drift shows that the operator handles new events. */
  private static void marker(String marker) {
    workloads.policy(marker, marker, Mode.Audit, spec -> {});
    client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata().withName(marker)
        .addToLabels("app", marker).endMetadata().withSpec(Workloads.nginx().build()).build()).create();
    workloads.awaitBaselines(marker, 1);
  }

  /** Waits until the operator handled an event later than everything before: the marker's drift is recorded. */
  private static void awaitMarkerFinding(String marker) {
    workloads.editImage(marker, "nginx:1.28");
    await(marker + " finding").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(marker)));
  }

  @Test
  void aFailedPodUnderTheSelectorDoesNotBlockRemediation() {
    workloads.policy("finished", "finished", Mode.Remediate, spec -> {});
    Pod failed = client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName("finished-job").addToLabels("app", "finished").endMetadata()
        .withSpec(Workloads.nginx().withRestartPolicy("Never").build()).build()).create();
    await().atMost(Workloads.TIMEOUT).until(() -> Workloads.isReady(workloads.pod("finished-job")));
    client.pods().inNamespace(cluster.namespace()).withName("finished-job").editStatus(p -> new PodBuilder(p)
        .editStatus().withPhase("Failed").withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus("False").build()).endStatus().build());
    assertThat(workloads.pod("finished-job").getStatus().getPhase()).isEqualTo("Failed");

    workloads.deployment("finished", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("finished", 1).get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");

    await("replaced despite the Failed pod").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("finished")
        .stream().anyMatch(p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid())
            && !p.getMetadata().getUid().equals(failed.getMetadata().getUid())));
  }

  @Test
  void replacementsTheOperatorsOwnAdmissionWouldRefuseAreReportedAndNoPodIsLost() throws Exception {
    // The pods exist before the policy: in Enforce mode it would refuse them.
    deploymentReading("writable", 3);
    workloads.policy("writable", "writable", Mode.Enforce, spec -> {
      spec.getRootFilesystem().setRequireReadOnly(true);
      spec.getRemediation().setMaxUnavailable(new IntOrString(1));
    });
    Set<String> original = uids(workloads.awaitBaselines("writable", 3));
    try (FewestReadyPods ready = new FewestReadyPods(workloads, "writable")) {
      changeConfigMap("writable");

      await("Degraded, naming why").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
        Condition degraded = degraded("writable");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("ReplacementCannotStart");
        assertThat(degraded.getMessage()).contains("would be refused at admission", "readOnlyRootFilesystem");
      });
      // Every drifted pod reached the decision, and each was refused before anything was removed.
      for (Pod pod : workloads.pods("writable")) {
        await().atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(workloads.eventsFor("Pod",
            pod.getMetadata().getName())).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ReplacementCannotStart")));
      }
      assertThat(uids(workloads.readyPods("writable"))).isEqualTo(original);
      assertThat(ready.fewest()).as("no pod lost").isEqualTo(3);
    }
    assertThat(workloads.policy("writable").getStatus().getReplacedPods()).isZero();
  }

  @Test
  void aReplacementThatCannotStartForWantOfAConfigMapIsReported() {
    workloads.policy("needs", "needs", Mode.Remediate, spec -> {});
    deploymentReading("needs", 2);
    Set<String> original = uids(workloads.awaitBaselines("needs", 2));
    client.configMaps().inNamespace(cluster.namespace()).withName("needs").delete();

    await("Degraded, naming the ConfigMap").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      Condition degraded = degraded("needs");
      assertThat(degraded.getReason()).isEqualTo("ReplacementCannotStart");
      assertThat(degraded.getMessage()).contains("ConfigMap/needs");
    });
    for (Pod pod : workloads.pods("needs")) {
      await().atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(workloads.eventsFor("Pod",
          pod.getMetadata().getName())).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ReplacementCannotStart")));
    }
    assertThat(uids(workloads.readyPods("needs"))).isEqualTo(original);
  }

  @Test
  void aReplacementAResourceQuotaRefusesBlocksItsOwnerUntilItRecovers() throws Exception {
    workloads.policy("quota", "quota", Mode.Remediate, spec -> spec.getRemediation()
        .setMaxUnavailable(new IntOrString(1)));
    deploymentReading("quota", 3);
    Set<String> original = uids(workloads.awaitBaselines("quota", 3));
    // Created before the quota, which would refuse it.
    marker("quota-marker");
    // Allows the pods that exist (a quota never evicts) but no new one while 2 or more run.
    client.resourceQuotas().inNamespace(cluster.namespace()).resource(new ResourceQuotaBuilder().withNewMetadata()
        .withName("quota").endMetadata().withNewSpec().addToHard("count/pods", new Quantity("2")).endSpec().build())
        .create();
    await("quota counted").atMost(Workloads.TIMEOUT).until(() -> {
      var status = client.resourceQuotas().inNamespace(cluster.namespace()).withName("quota").get().getStatus();
      return status != null && status.getUsed() != null && status.getUsed().containsKey("count/pods");
    });

    try (FewestReadyPods ready = new FewestReadyPods(workloads, "quota")) {
      changeConfigMap("quota");
      await("Degraded once the replacement timed out").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
        Condition degraded = degraded("quota");
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("ReplacementTimedOut");
        assertThat(degraded.getMessage()).contains("did not become available", "ReplicaSet quota-");
      });
      assertThat(workloads.eventsFor("ImmutabilityPolicy", "quota"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ReplacementTimedOut"));
      awaitMarkerFinding("quota-marker");
      List<Pod> left = workloads.readyPods("quota");
      assertThat(left).hasSize(2);
      assertThat(original).containsAll(uids(left));
      assertThat(ready.fewest()).as("one pod lost, never a second").isEqualTo(2);

      client.resourceQuotas().inNamespace(cluster.namespace()).withName("quota").delete();
      await("all replaced once the owner recovered").atMost(Workloads.TIMEOUT.multipliedBy(2)).until(() -> {
        List<Pod> pods = workloads.readyPods("quota");
        return pods.size() == 3 && pods.stream().noneMatch(p -> original.contains(p.getMetadata().getUid()));
      });
      await("no longer Degraded").atMost(Workloads.TIMEOUT)
          .until(() -> "False".equals(degraded("quota").getStatus()));
      assertThat(ready.fewest()).isEqualTo(2);
    } finally {
      client.resourceQuotas().inNamespace(cluster.namespace()).withName("quota").delete();
    }
  }

  @Test
  void evictionsAndDeletesOfAPodRecreatedUnderTheSameNameAreRefused() {
    PodRemoval removal = new PodRemoval(client);
    Pod first = client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName("same-name").addToLabels("app", "same-name").endMetadata().withSpec(Workloads.nginx().build())
        .build()).create();
    client.pods().inNamespace(cluster.namespace()).withName("same-name").withGracePeriod(0).delete();
    await().atMost(Workloads.TIMEOUT).until(() -> workloads.pod("same-name") == null);
    Pod second = client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata()
        .withName("same-name").addToLabels("app", "same-name").endMetadata().withSpec(Workloads.nginx().build())
        .build()).create();
    String stale = first.getMetadata().getUid();

    assertThatThrownBy(() -> removal.evict(cluster.namespace(), "same-name", stale))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(PodRemoval.isPreconditionFailure(e))
            .isTrue());
    assertThatThrownBy(() -> removal.delete(cluster.namespace(), "same-name", stale))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(PodRemoval.isPreconditionFailure(e))
            .isTrue());
    Pod after = workloads.pod("same-name");
    assertThat(after.getMetadata().getUid()).isEqualTo(second.getMetadata().getUid());
    assertThat(after.getMetadata().getDeletionTimestamp()).isNull();

    removal.delete(cluster.namespace(), "same-name", second.getMetadata().getUid());
    await("the current pod goes with its own UID").atMost(Workloads.TIMEOUT).until(() -> {
      Pod pod = workloads.pod("same-name");
      return pod == null || pod.getMetadata().getDeletionTimestamp() != null;
    });
  }
}
