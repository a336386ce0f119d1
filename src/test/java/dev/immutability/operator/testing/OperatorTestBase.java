package dev.immutability.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/** An integration test class with its own namespace and the operator running against it for the whole class. */
@ExtendWith(ClusterExtension.class)
public abstract class OperatorTestBase {
  protected static TestCluster cluster;
  protected static KubernetesClient client;
  protected static Workloads workloads;
  protected static OperatorHarness operator;

  @BeforeAll
  static void startOperator(TestCluster testCluster, TestInfo test) {
    cluster = testCluster;
    client = testCluster.client();
    workloads = new Workloads(testCluster);
    Map<String, String> environment = new HashMap<>();
    test.getTestClass().map(c -> c.getAnnotation(OperatorEnvironment.class)).ifPresent(settings -> {
      for (String setting : settings.value()) {
        int equals = setting.indexOf('=');
        environment.put(setting.substring(0, equals), setting.substring(equals + 1));
      }
    });
    operator = OperatorHarness.start(testCluster, environment);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }
}
