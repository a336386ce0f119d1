package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclaredPodsTest {

  @Test
  void theReplacementIsTheDeclaredPodWithoutItsDrift() {
    Pod drifted = TestPods.running()
        .editMetadata().withResourceVersion("42").addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .addToAnnotations(PodRecords.FINDINGS_ANNOTATION, "[]").addToAnnotations(PodRecords.BASELINE_ANNOTATION, "{}")
        .addToAnnotations("team", "shop").endMetadata()
        .editSpec().withNodeName("node-1").editContainer(0).withImage("nginx:1.28").endContainer()
        .addNewEphemeralContainer().withName("debugger").withImage("busybox").endEphemeralContainer().endSpec()
        .build();
    Baseline baseline = new Baseline(Map.of("app", "nginx:1.27"), Map.of(), Map.of(), Instant.EPOCH);

    Pod replacement = DeclaredPods.replacementFor(drifted, baseline);

    assertThat(replacement.getMetadata().getName()).isEqualTo("web-1");
    assertThat(replacement.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(replacement.getMetadata().getUid()).isNull();
    assertThat(replacement.getMetadata().getResourceVersion()).isNull();
    assertThat(replacement.getMetadata().getLabels()).containsExactly(Map.entry("app", "web"));
    assertThat(replacement.getMetadata().getAnnotations()).containsExactly(Map.entry("team", "shop"));
    assertThat(replacement.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
    assertThat(replacement.getSpec().getEphemeralContainers()).isNullOrEmpty();
    assertThat(replacement.getSpec().getNodeName()).isNull();
    assertThat(replacement.getStatus()).isNull();
    assertThat(drifted.getSpec().getContainers().get(0).getImage()).as("the cached pod is untouched")
        .isEqualTo("nginx:1.28");
  }

  @Test
  void withoutBaselineTheImagesStayAsTheyAre() {
    Pod replacement = DeclaredPods.replacementFor(TestPods.pod(), null);
    assertThat(replacement.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
  }
}
