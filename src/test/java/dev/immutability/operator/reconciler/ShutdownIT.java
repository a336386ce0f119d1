package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The packaged operator as real processes with leader election on: SIGTERM makes a standby and a leader exit
 * within seconds, and the leader hands the Lease back so the standby takes over at once rather than after the
 * lease duration (15 s).
 */
@ExtendWith(ClusterExtension.class)
class ShutdownIT {
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);
  /** Well under the 15 s lease duration: only a released Lease is taken over this fast. */
  private static final Duration TAKEOVER_WITHIN = Duration.ofSeconds(8);
  private final List<Process> processes = new ArrayList<>();

  private Process start(TestCluster cluster, String name) throws IOException {
    Path jar = LocalCluster.projectRoot().resolve("target/immutability-operator.jar");
    assertThat(jar).exists();
    Path log = Files.createTempFile("operator-" + name, ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("KUBECONFIG", cluster.kubeconfig().toString(), "LEADER_ELECTION", "true",
        "LEADER_ELECTION_NAMESPACE", cluster.namespace(), "POD_NAME", name, "WATCH_NAMESPACES", cluster.namespace(),
        "WEBHOOK_ENABLED", "false", "HTTP_ADDRESS", "127.0.0.1:0"));
    Process process = builder.start();
    processes.add(process);
    await(name + " started").atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log)
        .contains("immutability operator started"));
    return process;
  }

  private static String holder(TestCluster cluster) {
    Lease lease = cluster.client().leases().inNamespace(cluster.namespace()).withName("immutability-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void terminate(Process process, String name) throws InterruptedException {
    long start = System.nanoTime();
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(EXIT_WITHIN.toSeconds(), TimeUnit.SECONDS)).as(name + " exits on SIGTERM").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(EXIT_WITHIN);
  }

  @Test
  void sigtermEndsAStandbyAndALeaderQuicklyAndTheLeaseIsHandedOver(TestCluster cluster) throws Exception {
    OperatorHarness.installCrd(cluster.client());
    Process first = start(cluster, "replica-a");
    await("replica-a leads").atMost(Duration.ofSeconds(60)).until(() -> "replica-a".equals(holder(cluster)));
    Process standby = start(cluster, "replica-b");

    terminate(standby, "the standby");
    assertThat(holder(cluster)).isEqualTo("replica-a");

    start(cluster, "replica-c");
    terminate(first, "the leader");
    await("replica-c takes over at once").atMost(TAKEOVER_WITHIN).until(() -> "replica-c".equals(holder(cluster)));
  }

  @AfterEach
  void stopProcesses() {
    processes.forEach(Process::destroyForcibly);
  }
}
