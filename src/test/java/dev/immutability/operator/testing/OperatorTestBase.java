package dev.immutability.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** An integration test class with its own namespace and the operator running against it for the whole class. */
@ExtendWith(ClusterExtension.class)
public abstract class OperatorTestBase {
  protected static TestCluster cluster;
  protected static KubernetesClient client;
  protected static Workloads workloads;
  protected static OperatorHarness operator;

  @BeforeAll
  static void startOperator(TestCluster testCluster) {
    cluster = testCluster;
    client = testCluster.client();
    workloads = new Workloads(testCluster);
    operator = OperatorHarness.start(testCluster);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }
}
