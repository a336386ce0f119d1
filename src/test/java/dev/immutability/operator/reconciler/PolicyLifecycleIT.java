package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Detect;
import dev.immutability.operator.api.ImagePin;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What happens to pods when policies come, change and go, and when several policies select one pod. */
class PolicyLifecycleIT extends OperatorTestBase {

  private static LabelSelector apps(String... apps) {
    return new LabelSelectorBuilder().addNewMatchExpression().withKey("app").withOperator("In").withValues(apps)
        .endMatchExpression().build();
  }

  private static Pod awaitFinding(String pod, DriftReason reason) {
    await(reason + " on " + pod).atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(pod))
        .stream().anyMatch(f -> f.reason() == reason));
    return workloads.pod(pod);
  }

  private static void awaitNoRecords(String pod) {
    await("records removed from " + pod).atMost(Workloads.TIMEOUT).until(() -> !PodRecords.hasRecords(workloads.pod(pod)));
    Pod clean = workloads.pod(pod);
    assertThat(clean.getMetadata().getAnnotations()).doesNotContainKeys(PodRecords.BASELINE_ANNOTATION,
        PodRecords.FINDINGS_ANNOTATION);
    assertThat(clean.getMetadata().getLabels()).doesNotContainKey(PodRecords.DRIFTED_LABEL);
    assertThat(clean.getStatus().getConditions()).extracting(c -> c.getType()).doesNotContain(PodRecords.CONDITION_TYPE)
        .as("the kubelet's conditions are kept").contains("Ready");
  }

  private static String drift(String app) {
    String pod = workloads.awaitBaselines(app, 1).get(0).getMetadata().getName();
    workloads.editImage(pod, "nginx:1.28");
    awaitFinding(pod, DriftReason.ImageChanged);
    // The condition is written right after the findings.
    await("condition on " + pod).atMost(Workloads.TIMEOUT).until(() -> workloads.pod(pod).getStatus().getConditions()
        .stream().anyMatch(c -> PodRecords.CONDITION_TYPE.equals(c.getType())));
    assertThat(workloads.pod(pod).getMetadata().getLabels()).containsEntry(PodRecords.DRIFTED_LABEL, "true");
    return pod;
  }

  private static void updateConfigMap(String name, String value) {
    client.configMaps().inNamespace(cluster.namespace()).withName(name).edit(cm -> {
      cm.getData().put("k", value);
      return cm;
    });
  }

  private static void createConfigMap(String name) {
    client.configMaps().inNamespace(cluster.namespace()).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(name).endMetadata().addToData("k", "v1").build()).create();
  }

  @Test
  void aDeletedPolicysPodsLoseTheOperatorsRecords() {
    workloads.policy("gone", "gone", Mode.Audit, spec -> {});
    workloads.deployment("gone", 1, Workloads.nginx().build());
    String pod = drift("gone");

    client.resource(workloads.policy("gone")).delete();

    awaitNoRecords(pod);
  }

  @Test
  void podsThatFallOutOfAChangedSelectorLoseTheRecordsAndTheOthersKeepThem() {
    workloads.policy("narrowed", "ignored", Mode.Audit, spec -> spec.setSelector(apps("stay", "leave")));
    workloads.deployment("stay", 1, Workloads.nginx().build());
    workloads.deployment("leave", 1, Workloads.nginx().build());
    String stays = drift("stay");
    String leaves = drift("leave");

    client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace()).withName("narrowed").edit(p -> {
      p.getSpec().setSelector(apps("stay"));
      return p;
    });

    awaitNoRecords(leaves);
    Pod kept = workloads.pod(stays);
    assertThat(PodRecords.baseline(kept)).isPresent();
    assertThat(PodRecords.findings(kept)).extracting(Finding::reason).containsExactly(DriftReason.ImageChanged);
    await("status counts the pod left").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      ImmutabilityPolicyStatus status = workloads.policy("narrowed").getStatus();
      assertThat(status.getMatchedPods()).isEqualTo(1);
      assertThat(status.getDriftedPods()).isEqualTo(1);
    });
  }

  /**
   * An Audit policy that looks only at images and a Remediate policy that looks at everything but images select the
   * same pods. An edited image is the Audit policy's drift only: counted in its status, never healed by the
   * Remediate policy, which governs the pods' remediation.
   */
  @Test
  void eachPolicyCountsAndHealsOnlyTheDriftItLooksFor() {
    createConfigMap("heal-cfg");
    workloads.policy("images-only", "ignored", Mode.Audit, spec -> {
      spec.setSelector(apps("subject", "marker"));
      Detect detect = new Detect();
      detect.setExec(false);
      detect.setAttach(false);
      detect.setEphemeralContainers(false);
      detect.setConfig(false);
      detect.setRootFilesystem(false);
      spec.setDetect(detect);
    });
    workloads.policy("heals-config", "ignored", Mode.Remediate, spec -> {
      spec.setSelector(apps("subject", "marker"));
      spec.getDetect().setImage(false);
    });
    workloads.deployment("subject", 1, Workloads.nginx().build());
    workloads.deployment("marker", 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("heal-cfg").endConfigMapRef().endEnvFrom().endContainer().build());
    Pod marker = workloads.awaitBaselines("marker", 1).get(0);
    Pod subject = workloads.awaitBaselines("subject", 1).get(0);

    workloads.editImage(subject.getMetadata().getName(), "nginx:1.28");
    assertThat(PodRecords.findings(awaitFinding(subject.getMetadata().getName(), DriftReason.ImageChanged)))
        .singleElement().satisfies(f -> assertThat(f.policies()).containsExactly("images-only"));

    // The Remediate policy's own drift on the marker, later: once it is healed, the subject's turn has passed too.
    updateConfigMap("heal-cfg", "v2");
    await("marker replaced").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("marker").stream()
        .anyMatch(p -> !p.getMetadata().getUid().equals(marker.getMetadata().getUid())));

    assertThat(workloads.pod(subject.getMetadata().getName()).getMetadata().getUid())
        .as("the image drift is not the Remediate policy's to heal").isEqualTo(subject.getMetadata().getUid());
    await("each status counts its own drift").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      ImmutabilityPolicyStatus images = workloads.policy("images-only").getStatus();
      assertThat(images.getDriftedPods()).isEqualTo(1);
      assertThat(condition(images, Conditions.COMPLIANT)).isEqualTo("False");
      ImmutabilityPolicyStatus heals = workloads.policy("heals-config").getStatus();
      assertThat(heals.getMatchedPods()).isEqualTo(2);
      assertThat(heals.getDriftedPods()).isZero();
      assertThat(condition(heals, Conditions.COMPLIANT)).isEqualTo("True");
    });
  }

  /**
   * A policy whose spec has problems (a container pinned twice passes the schema) is not Ready and never acts:
   * although it is Remediate and looks for image drift, an edited image is neither recorded nor healed.
   */
  @Test
  void aPolicyWithProblemsNeverActs() {
    createConfigMap("broken-cfg");
    String digest = "nginx@sha256:" + "a".repeat(64);
    workloads.policy("broken", "broken", Mode.Remediate, spec -> spec.setImages(List.of(
        new ImagePin("nginx", digest), new ImagePin("nginx", digest))));
    workloads.policy("config-watch", "broken", Mode.Audit, spec -> spec.getDetect().setImage(false));
    workloads.deployment("broken", 1, Workloads.nginx().editContainer(0).addNewEnvFrom().withNewConfigMapRef()
        .withName("broken-cfg").endConfigMapRef().endEnvFrom().endContainer().build());
    Pod pod = workloads.awaitBaselines("broken", 1).get(0);
    String name = pod.getMetadata().getName();

    workloads.editImage(name, "nginx:1.28");
    // A later change the valid policy records: the evaluation that records it sees the edited image too.
    updateConfigMap("broken-cfg", "v2");
    Pod after = awaitFinding(name, DriftReason.ConfigChanged);

    assertThat(PodRecords.findings(after)).extracting(Finding::reason).containsExactly(DriftReason.ConfigChanged);
    assertThat(PodRecords.findings(after)).allSatisfy(f -> assertThat(f.policies()).containsExactly("config-watch"));
    assertThat(after.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      ImmutabilityPolicyStatus status = workloads.policy("broken").getStatus();
      assertThat(condition(status, Conditions.READY)).isEqualTo("False");
      assertThat(status.getConditions()).anySatisfy(c -> assertThat(c.getMessage()).contains("pinned twice"));
      assertThat(status.getDriftedPods()).isZero();
    });
  }

  private static String condition(ImmutabilityPolicyStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).map(c -> c.getStatus())
        .findFirst().orElse(null);
  }
}
