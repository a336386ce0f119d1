package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTransformsTest {

  @Test
  void managedFieldsShrinkToTheTimeOfTheLastWrite() {
    Pod pod = new PodBuilder().withNewMetadata().withName("web-1")
        .addNewManagedField().withManager("kubelet").withTime("2026-01-01T00:00:05Z")
        .withNewFieldsV1().withAdditionalProperties(Map.of("f:status", Map.of("f:phase", Map.of()))).endFieldsV1()
        .endManagedField()
        .addNewManagedField().withManager("kubectl").withTime("2026-01-01T00:00:09Z").endManagedField()
        .endMetadata().build();
    Pod cached = CacheTransforms.withoutManagedFields(pod);
    assertThat(cached.getMetadata().getManagedFields()).singleElement()
        .satisfies(entry -> assertThat(entry.getTime()).isEqualTo("2026-01-01T00:00:09Z"));
    assertThat(Serialization.asJson(cached)).doesNotContain("f:status", "kubelet");
    Pod none = new PodBuilder().withNewMetadata().withName("web-2").endMetadata().build();
    assertThat(CacheTransforms.withoutManagedFields(none).getMetadata().getManagedFields()).isNullOrEmpty();
  }
}
