package dev.immutability.operator.testing;

import dev.immutability.operator.ImmutabilityOperator;
import dev.immutability.operator.OperatorClient;
import dev.immutability.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;

/** Runs the operator in the test JVM against the test cluster, watching one namespace. */
public final class OperatorHarness implements AutoCloseable {
  /** The shared token of the runtime-events endpoint in tests. */
  public static final String RUNTIME_EVENTS_TOKEN = "runtime-token-for-tests";
  private final KubernetesClient client;
  private final ImmutabilityOperator operator;
  private boolean closed;

  private OperatorHarness(TestCluster cluster, Map<String, String> extraEnv) {
    installCrd(cluster.client());
    client = OperatorClient.create(cluster.client().getConfiguration());
    // The webhook on a free loopback port, registered by URL under a name of the test's own.
    Map<String, String> env = new HashMap<>(Map.of("WEBHOOK_ADDRESS", "127.0.0.1:0",
        "WEBHOOK_CONFIGURATION_NAME", "immutability-" + cluster.namespace(), "RUNTIME_EVENTS_TOKEN", RUNTIME_EVENTS_TOKEN));
    // Admission reviews only from the API server, where the cluster presents a client certificate to webhooks.
    cluster.webhookClientFile("webhook-client-ca.crt")
        .ifPresent(ca -> env.put("WEBHOOK_CLIENT_CA_FILE", ca.toString()));
    env.putAll(extraEnv);
    OperatorSettings settings = OperatorSettings.from(env)
        .withHttpAddress(new InetSocketAddress("127.0.0.1", 0))
        .withWatchNamespaces(Set.of(cluster.namespace()));
    operator = new ImmutabilityOperator(client, settings).start();
  }

  public static OperatorHarness start(TestCluster cluster) {
    return new OperatorHarness(cluster, Map.of());
  }

  /** With extra environment settings, as the Deployment would set them. */
  public static OperatorHarness start(TestCluster cluster, Map<String, String> env) {
    return new OperatorHarness(cluster, env);
  }

  public InetSocketAddress httpAddress() {
    return operator.httpAddress();
  }

  public InetSocketAddress webhookAddress() {
    return operator.webhookAddress().orElseThrow();
  }

  /** Applies the committed CRDs (server-side, idempotent) and waits until they are served. */
  public static void installCrd(KubernetesClient client) {
    installCrd(client, "crds/immutabilitypolicies.immutability.dev-v1.yml");
    installCrd(client, "crds/immutabilityexceptions.immutability.dev-v1.yml");
  }

  /** Applies the CRD at {@code path} (relative to the project root) and waits until it is served. */
  public static void installCrd(KubernetesClient client, String path) {
    Path file = LocalCluster.projectRoot().resolve(path);
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.resource(crd).forceConflicts().serverSideApply();
      Awaitility.await("CRD established").atMost(Duration.ofSeconds(30)).until(() ->
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get()
              .getStatus().getConditions().stream()
              .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** Stops the operator; closing twice is harmless. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      operator.close();
      client.close();
    }
  }
}
