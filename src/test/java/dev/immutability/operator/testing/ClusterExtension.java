package dev.immutability.operator.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives an integration test class a {@link TestCluster}: a client of the real cluster chosen by
 * {@link ClusterProvider} (started once per test run) and a namespace of its own, deleted afterwards.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ClusterExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    ClusterProvider provider = context.getRoot().getStore(STORE)
        .getOrComputeIfAbsent(ClusterProvider.class, k -> ClusterProvider.start(), ClusterProvider.class);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(provider.config()).build();
    String namespace = namespaceFor(context.getRequiredTestClass());
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .addToLabels("immutability.dev/test", "true").endMetadata().build()).create();
    // Pods are refused until the ServiceAccount controller has created the namespace's default account.
    Awaitility.await("default service account in " + namespace).atMost(Duration.ofSeconds(60))
        .until(() -> client.serviceAccounts().inNamespace(namespace).withName("default").get() != null);
    context.getStore(STORE).put(TestCluster.class, new TestCluster(client, namespace, provider.kubeconfig()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestCluster cluster = context.getStore(STORE).remove(TestCluster.class, TestCluster.class);
    if (cluster != null) {
      cluster.client().namespaces().withName(cluster.namespace()).delete();
      cluster.client().close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(STORE).get(TestCluster.class, TestCluster.class);
  }

  private static String namespaceFor(Class<?> testClass) {
    String base = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    return base + "-" + UUID.randomUUID().toString().substring(0, 6);
  }
}
