package dev.immutability.operator.bench;

import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * What one ConfigMap or Secret costs in the operator's cache, as the cache transform leaves it: heap after a full
 * collection with N of them held, against before. The objects are shaped like the scale benchmark's (Helm release
 * Secrets of 100 KB with Helm's labels and a large annotation) and like application ConfigMaps. The informer's own
 * map entries and indexes come on top. Run by hack/bench-footprint.sh.
 */
public final class CacheFootprintBenchmark {
  private static final int OBJECTS = Integer.getInteger("bench.objects", 20_000);
  private static final String PAYLOAD = Base64.getEncoder().encodeToString(new byte[75 * 1024]);
  private static final String ANNOTATION = "x".repeat(2048);

  private CacheFootprintBenchmark() {}

  public static void main(String[] args) {
    ClusterView view = new ClusterView(new byte[32]);
    System.out.printf("cache footprint: %d objects each, retained heap after a full collection%n", OBJECTS);
    measure("Helm release Secret: 4 labels, a 2 KB annotation, 1 key of 100 KB", i -> view.digested(helmSecret(i)));
    measure("ConfigMap: 2 labels, 1 key", i -> view.digested(configMap(i, 1)));
    measure("ConfigMap: 2 labels, 10 keys", i -> view.digested(configMap(i, 10)));
    measure("ConfigMap: 2 labels, 100 keys", i -> view.digested(configMap(i, 100)));
  }

  private static void measure(String what, IntFunction<HasMetadata> cached) {
    HasMetadata[] kept = new HasMetadata[OBJECTS];
    long before = heapAfterGc();
    for (int i = 0; i < OBJECTS; i++) {
      kept[i] = cached.apply(i);
    }
    long after = heapAfterGc();
    System.out.printf("%-70s %6d bytes each%n", what, (after - before) / OBJECTS);
    Reference.reachabilityFence(kept);
  }

  private static Secret helmSecret(int i) {
    return new SecretBuilder().withType("helm.sh/release.v1").withNewMetadata()
        .withName("sh.helm.release.v1.app-" + i + ".v1").withNamespace("bench-helm").withUid(UUID.randomUUID().toString())
        .withResourceVersion(String.valueOf(1_000_000 + i))
        .withLabels(Map.of("name", "app-" + i, "owner", "helm", "status", "deployed", "version", "1"))
        .withAnnotations(Map.of("meta.helm.sh/notes", ANNOTATION)).endMetadata()
        .withData(Map.of("release", PAYLOAD)).build();
  }

  private static ConfigMap configMap(int i, int keys) {
    Map<String, String> data = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      data.put("setting-" + k, "value-" + k + "-" + i);
    }
    return new ConfigMapBuilder().withNewMetadata().withName("app-config-" + i).withNamespace("shop")
        .withUid(UUID.randomUUID().toString()).withResourceVersion(String.valueOf(2_000_000 + i))
        .withLabels(Map.of("app", "shop", "tier", "web")).endMetadata().withData(data).build();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
