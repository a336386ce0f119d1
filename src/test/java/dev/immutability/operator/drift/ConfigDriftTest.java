package dev.immutability.operator.drift;

import static dev.immutability.operator.drift.TestPods.DIGEST_A;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** ConfigChanged for single-key references, baselines taken before single-key tracking, and excluded objects. */
class ConfigDriftTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Pod KEY_READER = TestPods.running().editSpec().editContainer(0)
      .addNewEnv().withName("A").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg").withKey("a")
      .endConfigMapKeyRef().endValueFrom().endEnv().endContainer().endSpec().build();

  private static Baseline baseline(Map<String, String> configs) {
    return new Baseline(Map.of("app", "nginx:1.27"), Map.of("app", DIGEST_A), configs, NOW);
  }

  private static List<Finding> detect(Pod pod, Baseline baseline, Map<String, String> hashes,
      Predicate<ConfigRef> excluded) {
    Pod before = Serialization.clone(pod);
    List<Finding> findings = DriftDetector.detect(pod, new DeclaredState(Map.of("app", "nginx:1.27"), baseline,
        hashes), TestPods.policy(), excluded, NOW);
    assertThat(pod).as("the pod after detection").isEqualTo(before);
    return findings;
  }

  private static List<Finding> detect(Pod pod, Baseline baseline, Map<String, String> hashes) {
    return detect(pod, baseline, hashes, ref -> false);
  }

  @Test
  void aKeyReaderIsComparedOnTheHashOfItsKeys() {
    Baseline taken = baseline(Map.of("ConfigMap/cfg[a]", "sha256:a1"));
    assertThat(detect(KEY_READER, taken, Map.of("ConfigMap/cfg[a]", "sha256:a1", "ConfigMap/cfg", "sha256:other")))
        .as("the whole object changed, the key did not").isEmpty();
    assertThat(detect(KEY_READER, taken, Map.of("ConfigMap/cfg[a]", "sha256:a2", "ConfigMap/cfg", "sha256:other")))
        .singleElement().satisfies(f -> {
          assertThat(f.reason()).isEqualTo(DriftReason.ConfigChanged);
          assertThat(f.message()).isEqualTo("ConfigMap cfg changed since the pod started");
        });
  }

  @Test
  void aBaselineTakenBeforeSingleKeyTrackingKeepsComparingTheWholeObject() {
    Baseline old = baseline(Map.of("ConfigMap/cfg", "sha256:whole"));
    assertThat(detect(KEY_READER, old, Map.of("ConfigMap/cfg[a]", "sha256:a1", "ConfigMap/cfg", "sha256:whole")))
        .as("no drift from the upgrade alone").isEmpty();
    assertThat(detect(KEY_READER, old, Map.of("ConfigMap/cfg[a]", "sha256:a1", "ConfigMap/cfg", "sha256:changed")))
        .singleElement().satisfies(f -> assertThat(f.reason()).isEqualTo(DriftReason.ConfigChanged));
  }

  @Test
  void aDeletedObjectIsDriftForAKeyReaderToo() {
    assertThat(detect(KEY_READER, baseline(Map.of("ConfigMap/cfg[a]", "sha256:a1")), Map.of())).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("was deleted"));
  }

  @Test
  void anExcludedObjectsChangeIsNeverDrift() {
    Baseline taken = baseline(Map.of("ConfigMap/cfg[a]", "sha256:a1"));
    assertThat(detect(KEY_READER, taken, Map.of("ConfigMap/cfg[a]", "sha256:a2"), ref -> ref.name().equals("cfg")))
        .isEmpty();
    assertThat(detect(KEY_READER, taken, Map.of(), ref -> ref.name().equals("cfg"))).as("nor its deletion").isEmpty();
    assertThat(detect(KEY_READER, taken, Map.of("ConfigMap/cfg[a]", "sha256:a2"), ref -> ref.name().equals("other")))
        .hasSize(1);
  }
}
