package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.AlertPriority;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a user does with kubectl (exec, attach, debug, run) reaches the webhook through the real API server. */
class WebhookIT extends OperatorTestBase {

  private static LocalCluster.Result kubectl(String... args) {
    List<String> all = new ArrayList<>(List.of("-n", cluster.namespace()));
    all.addAll(List.of(args));
    return cluster.kubectl(all.toArray(String[]::new));
  }

  /** Runs the command until the webhook has seen it (the API server picks up new webhooks within a second). */
  private static void untilRecorded(String pod, DriftReason reason, String... kubectlArgs) {
    await(reason + " recorded on " + pod).atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      Pod current = workloads.pod(pod);
      if (current != null && PodRecords.findings(current).stream().anyMatch(f -> f.reason() == reason)) {
        return true;
      }
      kubectl(kubectlArgs);
      return false;
    });
  }

  private static String untilRefused(String expected, String... kubectlArgs) {
    String[] output = {""};
    await("refusal").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      LocalCluster.Result result = kubectl(kubectlArgs);
      output[0] = result.output();
      return result.exitCode() != 0 && result.output().contains(expected);
    });
    return output[0];
  }

  @Test
  void kubectlExecIsRecordedAsTheUserRanItInAuditMode() {
    workloads.policy("audit", "audit", Mode.Audit, spec -> {});
    workloads.deployment("audit", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("audit", 1).get(0).getMetadata().getName();

    untilRecorded(pod, DriftReason.ExecSession, "exec", pod, "--", "cat", "/etc/hostname");

    Pod recorded = workloads.pod(pod);
    assertThat(PodRecords.findings(recorded)).filteredOn(f -> f.reason() == DriftReason.ExecSession)
        .singleElement().satisfies(f -> {
          assertThat(f.container()).isEqualTo("nginx");
          assertThat(f.message()).isEqualTo("admin ran [cat, /etc/hostname] in container nginx");
          assertThat(f.policies()).containsExactly("audit");
        });
    assertThat(recorded.getMetadata().getLabels()).containsEntry(PodRecords.DRIFTED_LABEL, "true");
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      assertThat(workloads.eventsFor("Pod", pod)).anySatisfy(e -> {
        assertThat(e.getReason()).isEqualTo("ExecSession");
        assertThat(e.getType()).isEqualTo("Warning");
      });
      assertThat(workloads.eventsFor("ImmutabilityPolicy", "audit"))
          .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ExecSession"));
      assertThat(workloads.policy("audit").getStatus().getRecentFindings()).extracting(RecentFinding::getReason)
          .contains("ExecSession");
    });
    assertThat(workloads.pod(pod).getMetadata().getUid()).isEqualTo(recorded.getMetadata().getUid());
  }

  @Test
  void kubectlAttachIsRecorded() {
    workloads.policy("attach", "attach", Mode.Audit, spec -> {});
    workloads.deployment("attach", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("attach", 1).get(0).getMetadata().getName();
    untilRecorded(pod, DriftReason.AttachSession, "attach", pod, "-c", "nginx", "--pod-running-timeout=2s");
    assertThat(PodRecords.findings(workloads.pod(pod))).filteredOn(f -> f.reason() == DriftReason.AttachSession)
        .extracting(Finding::message).containsExactly("admin attached to container nginx");
  }

  @Test
  void kubectlExecGetsThePodReplacedInRemediateMode() {
    workloads.policy("remediate", "remediate", Mode.Remediate, spec -> {});
    workloads.deployment("remediate", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("remediate", 1).get(0);
    await("replaced after exec").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      List<Pod> ready = workloads.readyPods("remediate");
      if (ready.size() == 1 && !ready.get(0).getMetadata().getUid().equals(pod.getMetadata().getUid())) {
        return true;
      }
      kubectl("exec", pod.getMetadata().getName(), "--", "sh");
      return false;
    });
    await().atMost(Workloads.TIMEOUT).untilAsserted(() -> assertThat(workloads.policy("remediate").getStatus()
        .getRecentFindings()).anySatisfy(f -> {
          assertThat(f.getReason()).isEqualTo("ExecSession");
          assertThat(f.getAction()).isEqualTo("Replaced");
        }));
  }

  @Test
  void kubectlDebugGetsThePodReplacedInRemediateMode() {
    workloads.policy("debug", "debug", Mode.Remediate, spec -> {});
    workloads.deployment("debug", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("debug", 1).get(0);
    LocalCluster.Result debug = kubectl("debug", pod.getMetadata().getName(), "--image=busybox:1.36", "-c", "debugger");
    assertThat(debug.exitCode()).as(debug.output()).isZero();
    await("replaced after debug").atMost(Workloads.TIMEOUT).until(() -> workloads.readyPods("debug").stream()
        .anyMatch(p -> !p.getMetadata().getUid().equals(pod.getMetadata().getUid())));
  }

  @Test
  void enforceModeRefusesExecAttachAndDebugWithThePolicysMessage() {
    workloads.policy("locked", "locked", Mode.Enforce, spec -> {});
    workloads.deployment("locked", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("locked", 1).get(0);
    String name = pod.getMetadata().getName();
    String policy = cluster.namespace() + "/locked";

    String exec = untilRefused("denies exec", "exec", name, "--", "sh");
    assertThat(exec).contains("immutability policy " + policy + " (mode Enforce) denies exec into pod " + name,
        "switch the policy to Audit");
    assertThat(untilRefused("denies attach", "attach", name, "-c", "nginx")).contains(policy);
    assertThat(untilRefused("denies adding a debug container", "debug", name, "--image=busybox", "-c", "dbg"))
        .contains(policy);

    Pod after = workloads.pod(name);
    assertThat(after.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
    assertThat(after.getSpec().getEphemeralContainers()).isNullOrEmpty();
    assertThat(PodRecords.findings(after)).isEmpty();
  }

  @Test
  void enforceModeRefusesPodsWithoutAReadOnlyRootFilesystem() {
    workloads.policy("strict", "strict", Mode.Enforce, spec -> spec.getRootFilesystem().setRequireReadOnly(true));
    String refusal = untilRefused("lack securityContext.readOnlyRootFilesystem", "run", "writable",
        "--image=nginx:1.27", "--labels=app=strict");
    assertThat(refusal).contains("immutability policy " + cluster.namespace() + "/strict", "containers [writable]");
    assertThat(workloads.pod("writable")).isNull();
  }

  @Test
  void enforceModeWithMutateMakesNewPodsReadOnlyWithEmptyDirsAtTheWritablePaths() {
    workloads.policy("mutated", "mutated", Mode.Enforce, spec -> {
      spec.getRootFilesystem().setRequireReadOnly(true);
      spec.getRootFilesystem().setMutate(true);
      spec.getRootFilesystem().setWritablePaths(List.of("/var/cache/nginx", "/var/run"));
    });
    await("the mutating webhook in effect").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      kubectl("delete", "pod", "nginx", "--ignore-not-found", "--wait=false", "--grace-period=0", "--force");
      LocalCluster.Result run = kubectl("run", "nginx", "--image=nginx:1.27", "--labels=app=mutated");
      Pod created = workloads.pod("nginx");
      return run.exitCode() == 0 && created != null && created.getSpec().getContainers().get(0)
          .getSecurityContext() != null;
    });
    Pod pod = workloads.pod("nginx");
    Container nginx = pod.getSpec().getContainers().get(0);
    assertThat(nginx.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(nginx.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/var/cache/nginx", "/var/run");
    assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().startsWith("immutability-writable-"))
        .hasSize(2).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  private static String falcoAlert(String pod, String rule, String priority) {
    return """
        {"output":"Shell spawned in a container","priority":"%s","rule":"%s",
         "time":"2026-01-01T00:00:00Z","output_fields":{"k8s.ns.name":"%s","k8s.pod.name":"%s","container.name":"nginx"}}
        """.formatted(priority, rule, cluster.namespace(), pod);
  }

  private static HttpResponse<String> postRuntimeEvent(String alert, String token) throws Exception {
    URI uri = URI.create("https://127.0.0.1:" + operator.webhookAddress().getPort() + "/runtime-events");
    return Tls.trustingClient().send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(alert)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void falcoAlertsAreRecordedAsRuntimeDriftWithTheSharedToken() throws Exception {
    workloads.policy("runtime", "runtime", Mode.Audit, spec -> {});
    workloads.deployment("runtime", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("runtime", 1).get(0).getMetadata().getName();
    String alert = falcoAlert(pod, "Terminal shell in container", "Warning");

    assertThat(postRuntimeEvent(alert, "nope").statusCode()).isEqualTo(401);
    HttpResponse<String> accepted = postRuntimeEvent(alert, OperatorHarness.RUNTIME_EVENTS_TOKEN);
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.body()).contains("\"recorded\":true");

    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(pod)).stream()
        .anyMatch(f -> f.reason() == DriftReason.RuntimeDrift && f.message().contains("Terminal shell in container")));
  }

  @Test
  void falcoAlertsOfAllowedRulesOrBelowTheMinimumPriorityAreNotDrift() throws Exception {
    workloads.policy("falco", "falco", Mode.Audit, spec -> {
      spec.getRuntime().setAllowedRules(List.of("Expected at start"));
      spec.getRuntime().setMinimumPriority(AlertPriority.Error);
    });
    workloads.deployment("falco", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("falco", 1).get(0).getMetadata().getName();
    String token = OperatorHarness.RUNTIME_EVENTS_TOKEN;

    assertThat(postRuntimeEvent(falcoAlert(pod, "Expected at start", "Critical"), token).body())
        .as("an allowed rule").contains("\"recorded\":false");
    assertThat(postRuntimeEvent(falcoAlert(pod, "Write below etc", "Warning"), token).body())
        .as("below the minimum priority").contains("\"recorded\":false");
    assertThat(postRuntimeEvent(falcoAlert(pod, "Write below etc", "Critical"), token).body())
        .contains("\"recorded\":true");

    await().atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(workloads.pod(pod)).stream()
        .anyMatch(f -> f.reason() == DriftReason.RuntimeDrift));
    assertThat(PodRecords.findings(workloads.pod(pod))).filteredOn(f -> f.reason() == DriftReason.RuntimeDrift)
        .extracting(Finding::message).singleElement().asString().contains("Write below etc", "Critical");
  }

  @Test
  void enforceModeAllowsSessionsInExcludedContainers() {
    workloads.policy("mesh-locked", "mesh-locked", Mode.Enforce,
        spec -> spec.getExclude().setContainers(List.of("sidecar")));
    workloads.deployment("mesh-locked", 1, withSidecar());
    String pod = workloads.awaitBaselines("mesh-locked", 1).get(0).getMetadata().getName();

    untilRefused("denies exec", "exec", pod, "-c", "nginx", "--", "sh");
    LocalCluster.Result sidecar = kubectl("exec", pod, "-c", "sidecar", "--", "sh");
    assertThat(sidecar.output()).doesNotContain("denies", "immutability policy");
    assertThat(untilRefused("denies attach", "attach", pod, "-c", "nginx")).contains("mesh-locked");
    assertThat(kubectl("attach", pod, "-c", "sidecar", "--pod-running-timeout=2s").output())
        .doesNotContain("denies", "immutability policy");
  }

  @Test
  void sessionsInExcludedContainersAreNotRecorded() {
    workloads.policy("mesh-audit", "mesh-audit", Mode.Audit,
        spec -> spec.getExclude().setContainers(List.of("sidecar")));
    workloads.deployment("mesh-audit", 1, withSidecar());
    String pod = workloads.awaitBaselines("mesh-audit", 1).get(0).getMetadata().getName();
    untilRecorded(pod, DriftReason.ExecSession, "exec", pod, "-c", "nginx", "--", "cat", "/etc/hostname");

    kubectl("exec", pod, "-c", "sidecar", "--", "cat", "/etc/passwd");
    // Sessions are recorded in the order the webhook sees them: this later one shows the sidecar's was passed over.
    await("a later session recorded").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      if (PodRecords.findings(workloads.pod(pod)).stream().anyMatch(f -> f.message().contains("/etc/os-release"))) {
        return true;
      }
      kubectl("exec", pod, "-c", "nginx", "--", "cat", "/etc/os-release");
      return false;
    });
    assertThat(PodRecords.findings(workloads.pod(pod))).filteredOn(f -> f.reason() == DriftReason.ExecSession)
        .extracting(Finding::container).containsOnly("nginx");
  }

  private static PodSpec withSidecar() {
    return Workloads.nginx().addNewContainer().withName("sidecar").withImage("busybox:1.36").endContainer().build();
  }
}
