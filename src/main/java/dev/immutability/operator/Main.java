package dev.immutability.operator;

import dev.immutability.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Immutability Operator against the current kubeconfig or in-cluster configuration. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    ImmutabilityOperator operator;
    try {
      operator = new ImmutabilityOperator(client, OperatorSettings.fromEnvironment()).start();
    } catch (RuntimeException e) {
      log.error("the operator could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
    }, "shutdown"));
  }
}
