package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
}
