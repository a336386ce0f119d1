package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The index keys that let a ConfigMap, Secret or owner event find its pods without a scan must agree. */
class ClusterViewTest {

  @Test
  void aPodIsIndexedUnderEveryConfigItConsumesWithTheKeyTheObjectMapsTo() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("cfg").withNewConfigMap().withName("app").endConfigMap().endVolume()
        .editContainer(0).addNewVolumeMount().withName("cfg").withMountPath("/c").endVolumeMount()
        .addNewEnvFrom().withNewSecretRef().withName("app").endSecretRef().endEnvFrom().endContainer()
        .endSpec().build();
    String configMapKey = ClusterView.configIndexKey(new ConfigMapBuilder().withNewMetadata().withName("app")
        .withNamespace("shop").endMetadata().build());
    String secretKey = ClusterView.configIndexKey(new SecretBuilder().withNewMetadata().withName("app")
        .withNamespace("shop").endMetadata().build());
    assertThat(ClusterView.configIndexKeys(pod)).containsExactlyInAnyOrder(configMapKey, secretKey);
    assertThat(configMapKey).isNotEqualTo(secretKey);
  }

  @Test
  void aPodIsIndexedUnderItsControllerOnly() {
    Pod owned = TestPods.running().editMetadata()
        .addNewOwnerReference().withKind("ReplicaSet").withName("web-1").withUid("rs-uid").withController(true)
        .endOwnerReference()
        .addNewOwnerReference().withKind("Other").withName("x").withUid("other-uid").withController(false)
        .endOwnerReference().endMetadata().build();
    assertThat(ClusterView.ownerIndexKeys(owned)).containsExactly("rs-uid");
    assertThat(ClusterView.ownerIndexKeys(TestPods.pod())).isEmpty();
    assertThat(ClusterView.controllerOf(TestPods.pod())).isEmpty();
  }

  @Test
  void aPodReadingSingleKeysIsIndexedUnderTheWholeObject() {
    Pod pod = TestPods.running().editSpec().editContainer(0).addNewEnv().withName("A").withNewValueFrom()
        .withNewConfigMapKeyRef().withName("app").withKey("a").endConfigMapKeyRef().endValueFrom().endEnv()
        .endContainer().endSpec().build();
    assertThat(ClusterView.configIndexKeys(pod)).containsExactly(ClusterView.configIndexKey(new ConfigMapBuilder()
        .withNewMetadata().withName("app").withNamespace("shop").endMetadata().build()));
  }

  @Test
  void onlyPodsCarryingRecordsAreIndexedForCleanUp() {
    assertThat(ClusterView.recordsIndexKeys(TestPods.pod())).isEmpty();
    Pod recorded = TestPods.running().editMetadata().addToAnnotations(PodRecords.BASELINE_ANNOTATION, "{}")
        .endMetadata().build();
    assertThat(ClusterView.recordsIndexKeys(recorded)).containsExactly("shop");
  }

  @Test
  void aPolicysPodsComeFromTheNamespaceIndexWithoutAScanOfEveryPod() {
    Pod selected = TestPods.running().editMetadata().withName("web-1").endMetadata().build();
    Pod otherApp = TestPods.running().editMetadata().withName("db-1").withUid("uid-2")
        .withLabels(Map.of("app", "db")).endMetadata().build();
    Pod otherNamespace = TestPods.running().editMetadata().withName("web-1").withNamespace("bank").withUid("uid-3")
        .endMetadata().build();
    ClusterView view = new ClusterView(new byte[32]);
    view.attach(new NamespaceIndexedPods(List.of(selected, otherApp, otherNamespace)), null, null, null, Map.of(),
        null);
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName("web");
    policy.getMetadata().setNamespace("shop");
    policy.setSpec(TestPods.policy());

    assertThat(view.podsSelectedBy(policy)).containsExactly(selected);
  }

  /** A pod cache that answers namespace index lookups and fails any scan of all its pods. */
  private record NamespaceIndexedPods(List<Pod> pods) implements IndexedResourceCache<Pod> {
    @Override
    public List<Pod> byIndex(String indexName, String key) {
      assertThat(indexName).isEqualTo(Cache.NAMESPACE_INDEX);
      return pods.stream().filter(p -> key.equals(p.getMetadata().getNamespace())).collect(Collectors.toList());
    }

    @Override
    public Stream<Pod> list(String namespace, Predicate<Pod> predicate) {
      throw new AssertionError("scanned every pod for namespace " + namespace);
    }

    @Override
    public Stream<Pod> list(Predicate<Pod> predicate) {
      throw new AssertionError("scanned every pod");
    }

    @Override
    public Optional<Pod> get(ResourceID id) {
      return pods.stream().filter(p -> id.equals(ResourceID.fromResource(p))).findFirst();
    }

    @Override
    public Stream<ResourceID> keys() {
      return pods.stream().map(ResourceID::fromResource);
    }
  }
}
