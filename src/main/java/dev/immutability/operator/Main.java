package dev.immutability.operator;

import dev.immutability.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Runs the Immutability Operator against the current kubeconfig or in-cluster configuration. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    ImmutabilityOperator operator = new ImmutabilityOperator(client, OperatorSettings.fromEnvironment()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
    }, "shutdown"));
  }
}
