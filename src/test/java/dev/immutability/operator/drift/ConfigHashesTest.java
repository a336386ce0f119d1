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

  @Nested
  class ChosenKeys {
    private final ConfigMap ab = configMap(Map.of("a", "1", "b", "2"));

    @Test
    void noChoiceIsTheWholeObjectsHashAsBefore() {
      assertThat(ConfigHashes.of(ab, null)).isEqualTo(ConfigHashes.of(ab));
    }

    @Test
    void choosingEveryKeyIsTheWholeObjectsHash() {
      assertThat(ConfigHashes.of(ab, Set.of("a", "b"))).isEqualTo(ConfigHashes.of(ab));
    }

    @Test
    void aChangeToAnotherKeyLeavesTheHashAlone() {
      assertThat(ConfigHashes.of(configMap(Map.of("a", "1", "b", "changed")), Set.of("a")))
          .isEqualTo(ConfigHashes.of(ab, Set.of("a")));
      assertThat(ConfigHashes.of(configMap(Map.of("a", "1", "b", "2", "c", "new")), Set.of("a")))
          .isEqualTo(ConfigHashes.of(ab, Set.of("a")));
      assertThat(ConfigHashes.of(configMap(Map.of("a", "1")), Set.of("a"))).isEqualTo(ConfigHashes.of(ab, Set.of("a")));
    }

    @Test
    void aChangeToAChosenKeyChangesTheHash() {
      String before = ConfigHashes.of(ab, Set.of("a"));
      assertThat(ConfigHashes.of(configMap(Map.of("a", "9", "b", "2")), Set.of("a"))).isNotEqualTo(before);
      assertThat(ConfigHashes.of(configMap(Map.of("b", "2")), Set.of("a"))).as("the key removed").isNotEqualTo(before);
    }

    @Test
    void aChosenKeyAddedLaterChangesTheHash() {
      assertThat(ConfigHashes.of(configMap(Map.of("b", "2")), Set.of("a")))
          .isNotEqualTo(ConfigHashes.of(configMap(Map.of("a", "", "b", "2")), Set.of("a")));
    }

    @Test
    void aChosenKeyInBinaryDataCounts() {
      ConfigMap binary = new ConfigMapBuilder(ab).withBinaryData(Map.of("bin", "AAE=")).build();
      ConfigMap changed = new ConfigMapBuilder(ab).withBinaryData(Map.of("bin", "AAI=")).build();
      assertThat(ConfigHashes.of(binary, Set.of("bin"))).isNotEqualTo(ConfigHashes.of(changed, Set.of("bin")));
      assertThat(ConfigHashes.of(binary, Set.of("a"))).isEqualTo(ConfigHashes.of(changed, Set.of("a")));
    }

    @Test
    void aSecretsChosenKeysOnly() {
      Secret before = new SecretBuilder().withData(Map.of("user", "YQ==", "password", "Yg==")).build();
      Secret after = new SecretBuilder().withData(Map.of("user", "YQ==", "password", "Yw==")).build();
      assertThat(ConfigHashes.of(after, Set.of("user"))).isEqualTo(ConfigHashes.of(before, Set.of("user")));
      assertThat(ConfigHashes.of(after, Set.of("password"))).isNotEqualTo(ConfigHashes.of(before, Set.of("password")));
      assertThat(ConfigHashes.of(before, null)).isEqualTo(ConfigHashes.of(before));
    }

    @Test
    void choosingNoKeyHashesNothingOfTheObject() {
      assertThat(ConfigHashes.of(ab, Set.of())).isEqualTo(ConfigHashes.of(configMap(Map.of("z", "0")), Set.of()));
    }
  }

  @Test
  void aSecretsHashRevealsNothingOfItsData() {
    String hash = ConfigHashes.of(new SecretBuilder().withData(Map.of("password", "aHVudGVyMg==")).build());
    assertThat(hash).matches("sha256:[0-9a-f]{64}").doesNotContain("aHVudGVyMg==").doesNotContain("password");
    assertThat(hash).isNotEqualTo(ConfigHashes.of(new SecretBuilder().withData(Map.of("password", "b3RoZXI=")).build()));
  }
}
