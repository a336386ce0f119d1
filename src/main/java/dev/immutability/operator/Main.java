package dev.immutability.operator;

import dev.immutability.operator.config.OperatorSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Immutability Operator against the current kubeconfig or in-cluster configuration. */
public final class Main {
  static {
    // With one or two CPUs the common pool's parallelism is 1, and CompletableFuture then starts a new thread for
    // every asynchronous step, which the HTTP client takes for each response: thousands of threads a minute at
    // start-up (BENCHMARKS.md). Set before anything loads the pool.
    String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(parallelism, "2");
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** What a user can do about the most common start-up failure. */
  private static String hint(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException api && api.getCode() == 404
          && String.valueOf(api.getMessage()).contains("immutabilitypolicies")) {
        return " (the ImmutabilityPolicy CRD is not installed: kubectl apply --server-side -f crds/)";
      }
    }
    return "";
  }

  public static void main(String[] args) {
    KubernetesClient client = OperatorClient.create(Config.autoConfigure(null));
    ImmutabilityOperator operator;
    try {
      operator = new ImmutabilityOperator(client, OperatorSettings.fromEnvironment()).start();
    } catch (RuntimeException e) {
      log.error("the operator could not start: {}{}", e.getMessage(), hint(e), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      client.close();
    }, "shutdown"));
  }
}
