package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In Enforce mode the real kubectl exec is refused, except for break-glass subjects and pods under an active
 * exception: allowed, recorded, with a warning kubectl prints that says what happens to the pod.
 */
class BreakGlassIT extends OperatorTestBase {

  @BeforeAll
  static void usersMayExec() {
    client.rbac().roles().inNamespace(cluster.namespace()).resource(new RoleBuilder().withNewMetadata()
        .withName("exec").endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods")
            .withVerbs("get", "list").build(), new PolicyRuleBuilder().withApiGroups("").withResources("pods/exec")
            .withVerbs("create", "get").build(), new PolicyRuleBuilder().withApiGroups("")
            .withResources("pods/ephemeralcontainers").withVerbs("get", "patch", "update").build()).build()).create();
    client.rbac().roleBindings().inNamespace(cluster.namespace()).resource(new RoleBindingBuilder().withNewMetadata()
        .withName("exec").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
        .withName("exec").endRoleRef().addNewSubject().withKind("Group").withName("system:authenticated")
        .endSubject().build()).create();
  }

  private static LocalCluster.Result exec(String pod, String... as) {
    List<String> args = new java.util.ArrayList<>(List.of(as));
    args.addAll(List.of("exec", pod, "-n", cluster.namespace(), "--", "cat", "/etc/hostname"));
    return cluster.kubectl(args.toArray(String[]::new));
  }

  private static boolean recorded(String pod, String user) {
    Pod current = workloads.pod(pod);
    return current == null || PodRecords.findings(current).stream()
        .anyMatch(f -> f.reason() == DriftReason.ExecSession && f.message().startsWith(user + " ran"));
  }

  @Test
  void anOnCallGroupMayExecInEnforceModeRecordedAndThePodIsReplacedAfterTheGracePeriod() {
    workloads.policy("strict", "strict", Mode.Enforce, spec -> {
      spec.getBreakGlass().setGroups(List.of("oncall"));
      spec.getRemediation().setExecGracePeriod("5s");
    });
    workloads.deployment("strict", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("strict", 1).get(0).getMetadata().getName();

    await("break-glass exec allowed").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
      assertThat(exec(pod, "--as=mallory").output()).contains("denies exec");
      LocalCluster.Result result = exec(pod, "--as=bob", "--as-group=oncall", "--as-group=system:authenticated");
      assertThat(result.exitCode()).as(result.output()).isZero();
      return recorded(pod, "bob");
    });
    await("replaced after the grace period").atMost(Workloads.TIMEOUT)
        .until(() -> workloads.policy("strict").getStatus().getReplacedPods() == 1);
  }

  @Test
  void kubectlPrintsTheAdmissionWarningWhenBreakGlassAddsADebugContainer() {
    workloads.policy("debuggable", "debuggable", Mode.Enforce, spec -> spec.getBreakGlass().setUsers(List.of("carol")));
    workloads.deployment("debuggable", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("debuggable", 1).get(0).getMetadata().getName();

    assertThat(cluster.kubectl("--as=mallory", "--as-group=system:authenticated", "debug", pod, "-n",
        cluster.namespace(), "--image=busybox", "--attach=false", "--profile=general").output()).contains("denies adding a debug container");
    LocalCluster.Result debug = cluster.kubectl("--as=carol", "--as-group=system:authenticated", "debug", pod, "-n",
        cluster.namespace(), "--image=busybox", "--attach=false", "--profile=general");
    assertThat(debug.output()).contains("Warning: debug container allowed by break-glass for user carol; "
        + "it is drift: policy debuggable replaces this pod");
    await("replaced").atMost(Workloads.TIMEOUT)
        .until(() -> workloads.policy("debuggable").getStatus().getReplacedPods() == 1);
  }

  @Test
  void anExceptionAdmitsExecInEnforceModeAndTheAdmissionAnswerWarnsUntilWhen() throws Exception {
    workloads.policy("excepted", "excepted", Mode.Enforce, spec -> {});
    workloads.deployment("excepted", 1, Workloads.nginx().build());
    String pod = workloads.awaitBaselines("excepted", 1).get(0).getMetadata().getName();
    Instant expiresAt = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setName("debugging");
    exception.getMetadata().setNamespace(cluster.namespace());
    exception.getSpec().setPodSelector(new LabelSelectorBuilder().addToMatchLabels("app", "excepted").build());
    exception.getSpec().setReasons(List.of("ExecSession"));
    exception.getSpec().setExpiresAt(expiresAt);
    exception.getSpec().setJustification("INC-7: reading a stuck queue");
    client.resource(exception).create();

    await("exec allowed under the exception").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          exec(pod);
          return recorded(pod, "admin");
        });
    // kubectl exec cannot show admission warnings (the API server sends none on the upgraded connection), so the
    // answer is read as the API server receives it.
    String review = """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"w-1","operation":"CONNECT",
         "resource":{"group":"","version":"v1","resource":"pods"},"subResource":"exec","namespace":"%s","name":"%s",
         "userInfo":{"username":"admin"},"dryRun":true,
         "object":{"kind":"PodExecOptions","container":"nginx","command":["id"]}}}""".formatted(cluster.namespace(), pod);
    HttpResponse<String> answer = Tls.apiServerClient(cluster).send(HttpRequest.newBuilder(URI.create(
        "https://127.0.0.1:" + operator.webhookAddress().getPort() + "/validate")).POST(
        HttpRequest.BodyPublishers.ofString(review)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.body()).contains("\"allowed\":true", "exception debugging; exec recorded by policy excepted; "
        + "excepted by debugging until " + expiresAt + ", then this pod will be replaced");
    workloads.awaitOperatorCaughtUp();
    assertThat(workloads.pod(pod)).as("not replaced while the exception holds").isNotNull();
  }
}
