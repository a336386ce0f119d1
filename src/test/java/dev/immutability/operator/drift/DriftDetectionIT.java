package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImagePin;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each drift reason that a pod's state shows, found through the real API server. Audit mode, so the drifted pods
 * stay for the assertions; remediation has its own test.
 */
class DriftDetectionIT extends OperatorTestBase {

  private static Pod awaitFinding(String pod, DriftReason reason) {
    await(reason + " on " + pod).atMost(Workloads.TIMEOUT).until(() -> {
      Pod current = workloads.pod(pod);
      return current != null && PodRecords.findings(current).stream().anyMatch(f -> f.reason() == reason);
    });
    return workloads.pod(pod);
  }

  private static Finding finding(Pod pod, DriftReason reason) {
    return PodRecords.findings(pod).stream().filter(f -> f.reason() == reason).findFirst().orElseThrow();
  }

  @Test
  void imageEditedInPlaceIsRecordedOnThePodTheEventsAndThePolicyStatus() {
    workloads.policy("image", "image", Mode.Audit, spec -> {});
    workloads.deployment("image", 2, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("image", 2).get(0).getMetadata().getName();

    workloads.editImage(pod, "nginx:1.28");
    Pod drifted = awaitFinding(pod, DriftReason.ImageChanged);

    Finding finding = finding(drifted, DriftReason.ImageChanged);
    assertThat(finding.container()).isEqualTo("nginx");
    assertThat(finding.message()).contains("nginx:1.28", "nginx:1.27");
    assertThat(finding.policies()).containsExactly("image");
    assertThat(drifted.getMetadata().getLabels()).containsEntry(PodRecords.DRIFTED_LABEL, "true");
    assertThat(drifted.getStatus().getConditions()).anySatisfy(c -> {
      assertThat(c.getType()).isEqualTo(PodRecords.CONDITION_TYPE);
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("DriftDetected");
    });
    assertThat(drifted.getStatus().getConditions()).as("the kubelet's conditions are kept")
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Ready"));
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(workloads.eventsFor("Pod", drifted.getMetadata().getName()))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("DriftDetected"));
      assertThat(workloads.eventsFor("ImmutabilityPolicy", "image"))
          .anySatisfy(e -> assertThat(e.getMessage()).contains(drifted.getMetadata().getName(), "ImageChanged"));
      var status = workloads.policy("image").getStatus();
      assertThat(status.getMatchedPods()).isEqualTo(2);
      assertThat(status.getDriftedPods()).isEqualTo(1);
      assertThat(status.getRecentFindings()).singleElement()
          .satisfies(f -> assertThat(f.getAction()).isEqualTo("Recorded"));
    });
    String table = cluster.kubectl("get", "impol", "image", "-n", cluster.namespace()).output();
    assertThat(table).contains("MODE", "MATCHED", "DRIFTED", "REPLACED", "COMPLIANT")
        .containsPattern("image\\s+.*Audit\\s+False\\s+1\\s+2\\s+0");
    assertThat(workloads.pod(pod).getMetadata().getUid()).as("Audit never replaces")
        .isEqualTo(drifted.getMetadata().getUid());
  }

  @Test
  void statefulSetAndDaemonSetPodsEditedInPlaceAreDrift() {
    workloads.policy("owners", "owners", Mode.Audit, spec -> {});
    client.apps().statefulSets().inNamespace(cluster.namespace()).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("db").endMetadata()
        .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels(Map.of("app", "owners", "kind", "sts")).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "owners", "kind", "sts")).endMetadata()
        .withSpec(Workloads.nginx().build()).endTemplate().endSpec().build()).create();
    client.apps().daemonSets().inNamespace(cluster.namespace()).resource(new DaemonSetBuilder()
        .withNewMetadata().withName("agent").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels(Map.of("app", "owners", "kind", "ds")).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels(Map.of("app", "owners", "kind", "ds")).endMetadata()
        .withSpec(Workloads.nginx().build()).endTemplate().endSpec().build()).create();
    await("owned pods running").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("owners").size() == 4);

    for (String kind : List.of("sts", "ds")) {
      Pod pod = workloads.readyPods("owners").stream().filter(p -> kind.equals(p.getMetadata().getLabels().get("kind")))
          .findFirst().orElseThrow();
      workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
      assertThat(finding(awaitFinding(pod.getMetadata().getName(), DriftReason.ImageChanged), DriftReason.ImageChanged)
          .message()).as(kind).contains("nginx:1.28 differs from nginx:1.27 declared by");
    }
  }

  @Test
  void aMovedTagIsSeenAsANewDigestAgainstTheBaseline() {
    workloads.policy("digest", "digest", Mode.Audit, spec -> {});
    workloads.deployment("digest", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("digest", 1).get(0);
    String moved = "docker.io/library/nginx@sha256:" + "c".repeat(64);

    // What a kubelet reports after the container restarted and re-pulled a tag that moved.
    ContainerStatus status = pod.getStatus().getContainerStatuses().get(0);
    status.setImageID(moved);
    status.setRestartCount(1);
    client.pods().inNamespace(cluster.namespace()).resource(pod).updateStatus();

    Finding finding = finding(awaitFinding(pod.getMetadata().getName(), DriftReason.ImageDigestChanged),
        DriftReason.ImageDigestChanged);
    assertThat(finding.message()).contains("sha256:" + "c".repeat(64), PodRecords.baseline(pod).orElseThrow()
        .imageDigests().get("nginx"));
  }

  @Test
  void aDigestOtherThanThePinnedOneIsDrift() {
    String pinned = "nginx@sha256:" + "d".repeat(64);
    workloads.policy("pinned", "pinned", Mode.Audit, spec -> spec.setImages(List.of(new ImagePin("nginx", pinned))));
    workloads.deployment("pinned", 1, Workloads.nginx().build());
    String pod = workloads.readyPods("pinned").get(0).getMetadata().getName();
    assertThat(finding(awaitFinding(pod, DriftReason.ImageDigestChanged), DriftReason.ImageDigestChanged).message())
        .contains("pinned by the policy", "sha256:" + "d".repeat(64));
  }

  @Test
  void everyWayOfConsumingConfigMapsAndSecretsIsWatched() {
    String ns = cluster.namespace();
    for (String name : List.of("vol", "proj", "key")) {
      client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + name)
          .endMetadata().addToData("k", "v1").build()).create();
    }
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-env")
        .endMetadata().addToStringData("password", "hunter2").build()).create();
    workloads.policy("config", "config", Mode.Audit, spec -> {});
    workloads.deployment("config", 1, Workloads.nginx()
        .addNewVolume().withName("vol").withNewConfigMap().withName("cm-vol").endConfigMap().endVolume()
        .addNewVolume().withName("proj").withNewProjected().addNewSource().withNewConfigMap().withName("cm-proj")
        .endConfigMap().endSource().endProjected().endVolume()
        .editContainer(0)
        .addNewVolumeMount().withName("vol").withMountPath("/etc/vol").endVolumeMount()
        .addNewVolumeMount().withName("proj").withMountPath("/etc/proj").endVolumeMount()
        .addNewEnvFrom().withNewSecretRef().withName("secret-env").endSecretRef().endEnvFrom()
        .addNewEnv().withName("K").withNewValueFrom().withNewConfigMapKeyRef().withName("cm-key").withKey("k")
        .endConfigMapKeyRef().endValueFrom().endEnv()
        .endContainer().build());
    Pod pod = workloads.awaitBaselines("config", 1).get(0);
    assertThat(PodRecords.baseline(pod).orElseThrow().configs()).containsOnlyKeys(
        "ConfigMap/cm-vol", "ConfigMap/cm-proj", "ConfigMap/cm-key[k]", "Secret/secret-env");
    assertThat(pod.getMetadata().getAnnotations().toString()).doesNotContain("hunter2", "aHVudGVyMg");

    List<String> expected = List.of("ConfigMap cm-vol changed", "ConfigMap cm-proj changed",
        "ConfigMap cm-key changed", "Secret secret-env changed");
    for (String name : List.of("vol", "proj", "key")) {
      client.configMaps().inNamespace(ns).withName("cm-" + name).edit(cm -> {
        cm.getData().put("k", "v2");
        return cm;
      });
    }
    client.secrets().inNamespace(ns).withName("secret-env").edit(s -> new SecretBuilder(s)
        .addToStringData("password", "changed").build());

    await("four ConfigChanged findings").atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(PodRecords.findings(workloads.pod(pod.getMetadata().getName())))
            .filteredOn(f -> f.reason() == DriftReason.ConfigChanged).extracting(Finding::message)
            .allSatisfy(m -> assertThat(m).endsWith("since the pod started"))
            .anySatisfy(m -> assertThat(m).startsWith(expected.get(0)))
            .anySatisfy(m -> assertThat(m).startsWith(expected.get(1)))
            .anySatisfy(m -> assertThat(m).startsWith(expected.get(2)))
            .anySatisfy(m -> assertThat(m).startsWith(expected.get(3))));
    assertThat(workloads.pod(pod.getMetadata().getName()).getMetadata().getAnnotations().toString())
        .doesNotContain("hunter2", "changed\"");
  }

  @Test
  void anEphemeralDebugContainerIsDrift() {
    workloads.policy("debug", "debug", Mode.Audit, spec -> {});
    workloads.deployment("debug", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("debug", 1).get(0);
    // What `kubectl debug` does: an update of the pods/ephemeralcontainers subresource.
    client.pods().inNamespace(cluster.namespace()).withName(pod.getMetadata().getName()).ephemeralContainers()
        .edit(p -> new PodBuilder(p).editSpec().addNewEphemeralContainer().withName("debugger")
            .withImage("busybox:1.36").withTargetContainerName("nginx").endEphemeralContainer().endSpec().build());
    Finding finding = finding(awaitFinding(pod.getMetadata().getName(), DriftReason.EphemeralContainer),
        DriftReason.EphemeralContainer);
    assertThat(finding.container()).isEqualTo("debugger");
    assertThat(finding.message()).contains("busybox:1.36");
  }

  @Test
  void aWritableRootFilesystemIsDriftWhenThePolicyRequiresReadOnly() {
    workloads.policy("rootfs", "rootfs", Mode.Audit, spec -> spec.getRootFilesystem().setRequireReadOnly(true));
    workloads.deployment("rootfs", 1, Workloads.nginx()
        .addNewContainer().withName("readonly").withImage("busybox").withNewSecurityContext()
        .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().build());
    String pod = workloads.readyPods("rootfs").get(0).getMetadata().getName();
    assertThat(PodRecords.findings(awaitFinding(pod, DriftReason.WritableRootFilesystem)))
        .filteredOn(f -> f.reason() == DriftReason.WritableRootFilesystem).extracting(Finding::container)
        .containsExactly("nginx");
  }

  @Test
  void excludedContainersAreIgnored() {
    workloads.policy("mesh", "mesh", Mode.Audit, spec -> spec.getExclude().setContainers(List.of("istio-proxy")));
    workloads.deployment("mesh", 1, Workloads.nginx()
        .addNewContainer().withName("istio-proxy").withImage("istio/proxyv2:1.20").endContainer().build());
    Pod pod = workloads.awaitBaselines("mesh", 1).get(0);
    String name = pod.getMetadata().getName();
    client.pods().inNamespace(cluster.namespace()).withName(name).edit(p -> {
      p.getSpec().getContainers().get(1).setImage("istio/proxyv2:1.21");
      return p;
    });
    workloads.editImage(name, "nginx:1.28");
    Pod drifted = awaitFinding(name, DriftReason.ImageChanged);
    assertThat(PodRecords.findings(drifted)).extracting(Finding::container).containsExactly("nginx");
  }

  @Test
  void podsNoPolicySelectsAreNeverTouched() {
    workloads.deployment("unselected", 1, Workloads.nginx().build());
    workloads.policy("someone-else", "other-app", Mode.Audit, spec -> {});
    Pod pod = workloads.readyPods("unselected").get(0);
    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    // Give the operator time to act on the edit, then check it wrote nothing at all.
    await().pollDelay(Duration.ofSeconds(3)).atMost(Workloads.TIMEOUT).until(() -> true);
    Pod after = workloads.pod(pod.getMetadata().getName());
    assertThat(after.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKeys(PodRecords.BASELINE_ANNOTATION,
        PodRecords.FINDINGS_ANNOTATION);
    assertThat(after.getMetadata().getLabels()).doesNotContainKey(PodRecords.DRIFTED_LABEL);
  }

  @Test
  void findingsAreClearedWhenThePodIsAsDeclaredAgain() {
    workloads.policy("revert", "revert", Mode.Audit, spec -> {});
    workloads.deployment("revert", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("revert", 1).get(0).getMetadata().getName();
    workloads.editImage(pod, "nginx:1.28");
    awaitFinding(pod, DriftReason.ImageChanged);
    workloads.editImage(pod, "nginx:1.27");
    await("findings cleared").atMost(Workloads.TIMEOUT).until(() -> !PodRecords.isDrifted(workloads.pod(pod)));
    assertThat(PodRecords.findings(workloads.pod(pod))).isEmpty();
    // The condition is the pod's status, written in a request of its own after the metadata.
    await("condition cleared").atMost(Workloads.TIMEOUT).untilAsserted(() ->
        assertThat(workloads.pod(pod).getStatus().getConditions()).anySatisfy(c -> {
          assertThat(c.getType()).isEqualTo(PodRecords.CONDITION_TYPE);
          assertThat(c.getStatus()).isEqualTo("True");
        }));
  }
}
