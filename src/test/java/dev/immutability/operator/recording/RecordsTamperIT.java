package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchResourcesBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The records policy of config/admission, applied to this test's namespace with this test's operator identity:
 * a user who may patch pods cannot erase or forge the operator's records, and the operator's own writes pass.
 */
class RecordsTamperIT extends OperatorTestBase {
  private static final String DEV = "dev";
  private static String policyName;

  @BeforeAll
  static void installRecordsPolicyAndDeveloper() throws IOException {
    String operatorUser = cluster.kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}").output()
        .strip();
    assertThat(operatorUser).isNotBlank();
    policyName = "records-" + cluster.namespace();
    String yaml = Files.readString(LocalCluster.projectRoot().resolve("config/admission/records-policy.yaml"))
        .replace("system:serviceaccount:immutability-system:immutability-operator", operatorUser)
        .replace("immutability-operator-records", policyName);
    List<HasMetadata> objects = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    for (HasMetadata object : objects) {
      if (object instanceof ValidatingAdmissionPolicyBinding binding) {
        // Only this test's namespace: other tests share the API server.
        binding.getSpec().setMatchResources(new MatchResourcesBuilder().withNamespaceSelector(new LabelSelectorBuilder()
            .addToMatchLabels("kubernetes.io/metadata.name", cluster.namespace()).build()).build());
      }
      assertThat(object).isInstanceOfAny(ValidatingAdmissionPolicy.class, ValidatingAdmissionPolicyBinding.class);
      client.resource(object).serverSideApply();
    }
    client.rbac().roles().inNamespace(cluster.namespace()).resource(new RoleBuilder().withNewMetadata()
        .withName(DEV).endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("")
            .withResources("pods", "pods/status").withVerbs("get", "list", "patch", "update").build(),
            new PolicyRuleBuilder().withApiGroups("").withResources("pods/exec").withVerbs("create").build())
        .build()).create();
    client.rbac().roleBindings().inNamespace(cluster.namespace()).resource(new RoleBindingBuilder().withNewMetadata()
        .withName(DEV).endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
        .withName(DEV).endRoleRef().addNewSubject().withKind("User").withName(DEV).endSubject().build()).create();

    // The policy takes effect once the API server has loaded it: wait until a probe forgery is refused.
    client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata().withName("probe")
        .endMetadata().withSpec(Workloads.nginx().build()).build()).create();
    await("records policy in force").atMost(Workloads.TIMEOUT).until(() -> {
      // A new value each time: rewriting the same value would be no change at all.
      var result = asDev("annotate", "--overwrite", "pod", "probe", "immutability.dev/probe=" + System.nanoTime());
      return result.output().contains("written only by the Immutability Operator");
    });
  }

  @AfterAll
  static void removeRecordsPolicy() {
    client.admissionRegistration().v1().validatingAdmissionPolicyBindings().withName(policyName).delete();
    client.admissionRegistration().v1().validatingAdmissionPolicies().withName(policyName).delete();
  }

  private static LocalCluster.Result asDev(String... args) {
    String[] command = new String[args.length + 4];
    command[0] = "--as=" + DEV;
    command[1] = "-n";
    command[2] = cluster.namespace();
    System.arraycopy(args, 0, command, 3, args.length);
    command[args.length + 3] = "--request-timeout=20s";
    return cluster.kubectl(command);
  }

  private static void assertRefused(LocalCluster.Result result, String what) {
    assertThat(result.output()).as(what).contains("denied request", "written only by the Immutability Operator");
  }

  @Test
  void aDeveloperWhoMayPatchPodsCannotEraseOrForgeRecordsAndTheOperatorStillWritesThem() {
    workloads.policy("tamper", "tamper", Mode.Audit, spec -> {});
    workloads.deployment("tamper", 2, Workloads.nginx().build());
    List<String> pods = workloads.awaitBaselines("tamper", 2).stream().map(p -> p.getMetadata().getName()).toList();
    String drifted = pods.get(0);
    String clean = pods.get(1);

    // The developer's in-place edit is allowed; the operator's record of it passes the policy.
    assertThat(asDev("set", "image", "pod/" + drifted, "nginx=nginx:1.28").output()).contains("image updated");
    await("finding recorded").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(drifted)));
    String findings = workloads.pod(drifted).getMetadata().getAnnotations().get(PodRecords.FINDINGS_ANNOTATION);

    assertRefused(asDev("annotate", "pod", drifted, PodRecords.FINDINGS_ANNOTATION + "-"), "erasing findings");
    assertRefused(asDev("label", "pod", drifted, PodRecords.DRIFTED_LABEL + "-"), "erasing the drifted label");
    assertRefused(asDev("annotate", "--overwrite", "pod", drifted, PodRecords.BASELINE_ANNOTATION + "={}"),
        "rewriting the baseline");
    assertRefused(asDev("annotate", "pod", clean, PodRecords.FINDINGS_ANNOTATION
        + "=[{\"reason\":\"ExecSession\",\"message\":\"forged\"}]"), "forging findings");
    assertRefused(asDev("label", "pod", clean, PodRecords.DRIFTED_LABEL + "=true"), "forging the drifted label");
    int condition = conditionIndex(drifted);
    assertRefused(asDev("patch", "pod", drifted, "--subresource=status", "--type=json",
        "-p=[{\"op\":\"remove\",\"path\":\"/status/conditions/" + condition + "\"}]"), "removing the pod condition");
    assertThat(asDev("annotate", "pod", drifted, "team=shop").output()).as("other annotations stay the user's")
        .contains("annotated");

    var pod = workloads.pod(drifted);
    assertThat(pod.getMetadata().getAnnotations()).containsEntry(PodRecords.FINDINGS_ANNOTATION, findings)
        .containsEntry("team", "shop");
    assertThat(PodRecords.findings(pod)).anySatisfy(f -> assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged));
    assertThat(PodRecords.isDrifted(workloads.pod(clean))).isFalse();
  }

  @Test
  void aDriftedLabelRemovedAnywayIsRestoredFromTheFindingsAndReported() {
    workloads.policy("relabel", "relabel", Mode.Audit, spec -> {});
    workloads.deployment("relabel", 1, Workloads.nginx().build());
    String name = workloads.awaitBaselines("relabel", 1).get(0).getMetadata().getName();
    workloads.editImage(name, "nginx:1.28");
    await("finding recorded").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(name)));

    // Someone the records policy does not cover (here: a cluster admin) removes the label.
    client.pods().inNamespace(cluster.namespace()).withName(name).edit(p -> new PodBuilder(p).editMetadata()
        .removeFromLabels(PodRecords.DRIFTED_LABEL).endMetadata().build());
    await("label restored").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(name)));
    assertThat(workloads.eventsFor("Pod", name)).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("RecordTampered"));
  }

  @Test
  void anExecSessionErasedFromThePodIsRestoredFromTheOperatorsCopyAndReported() {
    workloads.policy("sessions", "sessions", Mode.Audit, spec -> {});
    workloads.deployment("sessions", 1, Workloads.nginx().build());
    String name = workloads.awaitBaselines("sessions", 1).get(0).getMetadata().getName();
    await("session recorded").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      if (PodRecords.findings(workloads.pod(name)).stream().anyMatch(f -> f.reason() == DriftReason.ExecSession)) {
        return true;
      }
      cluster.kubectl("exec", name, "-n", cluster.namespace(), "--", "id");
      return false;
    });

    // Someone the records policy does not cover (here: a cluster admin) erases the findings and the label.
    client.pods().inNamespace(cluster.namespace()).withName(name).edit(p -> new PodBuilder(p).editMetadata()
        .removeFromAnnotations(PodRecords.FINDINGS_ANNOTATION).removeFromLabels(PodRecords.DRIFTED_LABEL)
        .endMetadata().build());
    await("session restored").atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(name))
        .stream().anyMatch(f -> f.reason() == DriftReason.ExecSession && f.message().contains("ran [id]")));
    assertThat(PodRecords.isDrifted(workloads.pod(name))).isTrue();
    assertThat(workloads.eventsFor("Pod", name)).anySatisfy(e -> {
      assertThat(e.getReason()).isEqualTo("RecordTampered");
      assertThat(e.getMessage()).contains("restored", "ExecSession");
    });
  }

  private static int conditionIndex(String pod) {
    var conditions = workloads.pod(pod).getStatus().getConditions();
    for (int i = 0; i < conditions.size(); i++) {
      if (PodRecords.CONDITION_TYPE.equals(conditions.get(i).getType())) {
        return i;
      }
    }
    throw new AssertionError("no " + PodRecords.CONDITION_TYPE + " condition on " + pod);
  }
}
