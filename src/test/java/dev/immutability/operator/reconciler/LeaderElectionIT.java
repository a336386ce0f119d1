package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two replicas: one leads through the Lease and reconciles; when it stops, the other takes over. */
@ExtendWith(ClusterExtension.class)
class LeaderElectionIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String get(OperatorHarness replica, String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + replica.httpAddress().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static boolean leads(OperatorHarness replica) throws Exception {
    return get(replica, "/metrics").contains("\nimmutability_leader 1.0");
  }

  private static Map<String, String> replica(TestCluster cluster, String name) {
    return Map.of("LEADER_ELECTION", "true", "LEADER_ELECTION_NAMESPACE", cluster.namespace(),
        "LEADER_ELECTION_EXIT_ON_LOSS", "false", "POD_NAME", name, "WEBHOOK_ENABLED", "false");
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops(TestCluster cluster) throws Exception {
    Workloads workloads = new Workloads(cluster);
    OperatorHarness first = OperatorHarness.start(cluster, replica(cluster, "replica-a"));
    OperatorHarness second = OperatorHarness.start(cluster, replica(cluster, "replica-b"));
    try {
      await("one leader").atMost(Duration.ofSeconds(60)).until(() -> leads(first) != leads(second));
      OperatorHarness leader = leads(first) ? first : second;
      OperatorHarness standby = leader == first ? second : first;
      String holder = cluster.client().leases().inNamespace(cluster.namespace()).withName("immutability-operator")
          .get().getSpec().getHolderIdentity();
      assertThat(holder).isEqualTo(leader == first ? "replica-a" : "replica-b");
      // The standby stays ready: in a cluster it serves admission requests while the leader reconciles.
      assertThat(get(standby, "/readyz")).contains("standing by");

      workloads.policy("led", "led", Mode.Audit, spec -> {});
      await("the leader reconciles").atMost(Workloads.TIMEOUT)
          .until(() -> workloads.policy("led").getStatus() != null);

      leader.close();
      await("the standby takes over").atMost(Duration.ofSeconds(60)).until(() -> leads(standby));
      workloads.deployment("led", 1, Workloads.nginx().build());
      await("the new leader reconciles").atMost(Workloads.TIMEOUT)
          .until(() -> workloads.policy("led").getStatus().getMatchedPods() == 1);
    } finally {
      first.close();
      second.close();
    }
  }
}
