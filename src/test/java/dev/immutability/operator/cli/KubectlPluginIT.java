package dev.immutability.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl immutability} as a user runs it: kubectl finds bin/kubectl-immutability on the PATH, which runs
 * the built jar against the real API server.
 */
class KubectlPluginIT extends OperatorTestBase {

  /** Runs {@code kubectl immutability ARGS} with bin/ and kubectl on the PATH; stderr merged into the output. */
  static LocalCluster.Result plugin(String... args) throws IOException, InterruptedException {
    Path kubectl = LocalCluster.binary("kubectl");
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "immutability"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(LocalCluster.projectRoot().toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", cluster.kubeconfig().toString());
    env.put("PATH", LocalCluster.projectRoot().resolve("bin") + ":" + kubectl.getParent() + ":" + env.get("PATH"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new LocalCluster.Result(process.exitValue(), output);
  }

  @Test
  void statusListsPoliciesAndDriftedPodsWithTheirReasons() throws Exception {
    assertThat(Files.isExecutable(LocalCluster.projectRoot().resolve("bin/kubectl-immutability"))).isTrue();
    workloads.policy("audited", "shop", Mode.Audit, spec -> {});
    workloads.deployment("shop", 2, Workloads.nginx().build());
    List<Pod> pods = workloads.awaitBaselines("shop", 2);
    LocalCluster.Result clean = plugin("status", "-n", cluster.namespace());
    assertThat(clean.exitCode()).as(clean.output()).isZero();
    assertThat(clean.output()).containsPattern("POLICY +MODE +MATCHED +DRIFTED +REPLACED +READY +AGE")
        .containsPattern("audited +Audit +2 +0 +0 +True")
        .doesNotContain(pods.get(0).getMetadata().getName(), pods.get(1).getMetadata().getName());

    String drifted = pods.get(0).getMetadata().getName();
    workloads.editImage(drifted, "nginx:1.28");
    await("finding").atMost(Workloads.TIMEOUT).until(() -> PodRecords.isDrifted(workloads.pod(drifted)));
    await("status shows the drifted pod").atMost(Workloads.TIMEOUT).untilAsserted(() -> {
      LocalCluster.Result status = plugin("status", "-n", cluster.namespace());
      assertThat(status.output()).containsPattern("DRIFTED POD +POLICIES +REASONS +SINCE")
          .containsPattern(drifted + " +audited +ImageChanged +[0-9]+s")
          .doesNotContain(pods.get(1).getMetadata().getName());
    });
    LocalCluster.Result all = plugin("status", "-A");
    assertThat(all.output()).containsPattern("NAMESPACE +POLICY +MODE")
        .containsPattern(cluster.namespace() + " +audited +Audit")
        .containsPattern(cluster.namespace() + " +" + drifted + " +audited +ImageChanged");
  }

  @Test
  void explainSaysWhatWillHappenAndWhenAndExceptHoldsIt() throws Exception {
    workloads.policy("graceful", "api", Mode.Remediate, spec -> spec.getRemediation().setExecGracePeriod("10m"));
    workloads.deployment("api", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("api", 1).get(0);
    String name = pod.getMetadata().getName();
    LocalCluster.Result clean = plugin("explain", name, "-n", cluster.namespace());
    assertThat(clean.exitCode()).as(clean.output()).isZero();
    assertThat(clean.output()).contains("Governed by:  graceful (mode Remediate, strategy Evict, execGracePeriod 10m)",
        "Findings:     none; the pod is as declared.", "Exceptions:   none",
        "Budget:       at most 1 replacement(s) in flight for graceful (maxUnavailable 1 of 1 matched pods)",
        "Blocked:      no");

    await("exec recorded").atMost(Workloads.TIMEOUT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      cluster.kubectl("exec", "-n", cluster.namespace(), name, "--", "cat", "/etc/hostname");
      return PodRecords.findings(workloads.pod(name)).stream().anyMatch(f -> f.reason() == DriftReason.ExecSession);
    });
    LocalCluster.Result waiting = plugin("explain", name, "-n", cluster.namespace());
    assertThat(waiting.output()).containsPattern("ExecSession +nginx +[0-9]+s +graceful +.*ran \\[cat, /etc/hostname]")
        .containsPattern("ExecSession +replaced by Evict at 20[0-9T:-]+Z \\(in [0-9]+m[0-9]*s?, after the "
            + "execGracePeriod of 10m\\)");

    LocalCluster.Result excepted = plugin("except", name, "--for", "30m", "--reason", "INC-9: tracing a memory leak",
        "-n", cluster.namespace());
    assertThat(excepted.exitCode()).as(excepted.output()).isZero();
    assertThat(excepted.output()).contains("holds:   ExecSession").contains("app=api");
    List<ImmutabilityException> exceptions = client.resources(ImmutabilityException.class)
        .inNamespace(cluster.namespace()).list().getItems();
    assertThat(exceptions).singleElement().satisfies(e -> {
      assertThat(excepted.output()).contains("immutabilityexception.immutability.dev/" + e.getMetadata().getName()
          + " created");
      assertThat(e.getSpec().getReasons()).containsExactly("ExecSession");
      assertThat(e.getSpec().getJustification()).isEqualTo("INC-9: tracing a memory leak");
      assertThat(e.getSpec().getPodSelector().getMatchLabels()).isEqualTo(pod.getMetadata().getLabels());
      assertThat(e.getSpec().getExpiresAt()).isBetween(Instant.now().plusSeconds(29 * 60),
          Instant.now().plusSeconds(30 * 60));
    });
    String exception = exceptions.get(0).getMetadata().getName();
    LocalCluster.Result held = plugin("explain", name, "-n", cluster.namespace());
    assertThat(held.output()).contains("Exceptions:   " + exception + " (ExecSession) until ")
        .containsPattern("ExecSession +held by exception " + exception + " until 20[0-9T:-]+Z \\(in 29m\\), then "
            + "replaced by Evict");
  }

  @Test
  void mistakesAreRefusedWithTheReason() throws Exception {
    LocalCluster.Result usage = plugin("except", "some-pod", "-n", cluster.namespace());
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.output()).contains("error: except needs --for", "Usage:");
    LocalCluster.Result missing = plugin("explain", "no-such-pod", "-n", cluster.namespace());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output()).contains("error: pod no-such-pod not found in namespace " + cluster.namespace());
    workloads.deployment("short", 1, Workloads.nginx().build());
    String pod = workloads.readyPods("short").get(0).getMetadata().getName();
    LocalCluster.Result tooShort = plugin("except", pod, "--for", "30m", "--reason", "because", "-n",
        cluster.namespace());
    assertThat(tooShort.exitCode()).isEqualTo(1);
    assertThat(tooShort.output()).contains("spec.justification");
  }
}
