package dev.immutability.operator;

import dev.immutability.operator.observe.ApiSerialization;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** The Kubernetes client the operator works with. */
public final class OperatorClient {
  private OperatorClient() {}

  /**
   * Over HTTP/1.1: the JDK client's HTTP/2 carries every request on a single connection; with fifty records in
   * flight at start-up, kept-alive connections of their own wrote the baselines of 10,000 pods about 2 s sooner
   * (BENCHMARKS.md). Watches use connections of their own either way. Objects are read with
   * {@link ApiSerialization}.
   */
  public static KubernetesClient create(Config config) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(config).withHttp2Disable(true).build())
        .withKubernetesSerialization(ApiSerialization.create()).build();
  }
}
