package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigHashesTest {

  private static ConfigMap configMap(Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().withData(data).build();
  }

  @Test
  void theHashDependsOnContentNotOnKeyOrderOrMetadata() {
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put("a", "1");
    ordered.put("b", "2");
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("b", "2");
    reversed.put("a", "1");
    ConfigMap relabelled = new ConfigMapBuilder(configMap(reversed)).editMetadata().addToLabels("x", "y")
        .endMetadata().build();
    assertThat(ConfigHashes.of(configMap(ordered))).isEqualTo(ConfigHashes.of(relabelled)).startsWith("sha256:");
  }

  @Test
  void anyChangedValueOrKeyChangesTheHash() {
    String base = ConfigHashes.of(configMap(Map.of("a", "1")));
    assertThat(ConfigHashes.of(configMap(Map.of("a", "2")))).isNotEqualTo(base);
    assertThat(ConfigHashes.of(configMap(Map.of("b", "1")))).isNotEqualTo(base);
    assertThat(ConfigHashes.of(configMap(Map.of("a", "1", "b", "")))).isNotEqualTo(base);
  }

  @Test
  void keysAndValuesCannotBeShiftedIntoEachOther() {
    assertThat(ConfigHashes.of(configMap(Map.of("ab", "c")))).isNotEqualTo(ConfigHashes.of(configMap(Map.of("a", "bc"))));
  }

  @Test
  void binaryDataCounts() {
    ConfigMap withBinary = new ConfigMapBuilder(configMap(Map.of("a", "1"))).withBinaryData(Map.of("bin", "AAE=")).build();
    assertThat(ConfigHashes.of(withBinary)).isNotEqualTo(ConfigHashes.of(configMap(Map.of("a", "1"))));
  }

  @Test
  void aSecretsHashRevealsNothingOfItsData() {
    String hash = ConfigHashes.of(new SecretBuilder().withData(Map.of("password", "aHVudGVyMg==")).build());
    assertThat(hash).matches("sha256:[0-9a-f]{64}").doesNotContain("aHVudGVyMg==").doesNotContain("password");
    assertThat(hash).isNotEqualTo(ConfigHashes.of(new SecretBuilder().withData(Map.of("password", "b3RoZXI=")).build()));
  }
}
