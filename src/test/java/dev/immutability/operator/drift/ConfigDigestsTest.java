package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigDigestsTest {
  private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER_KEY = "o".repeat(32).getBytes(StandardCharsets.UTF_8);

  private static ConfigMap configMap(Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName("app").withNamespace("shop").withResourceVersion("7")
        .addToLabels("team", "shop").addNewManagedField().withTime("2026-01-01T00:00:05Z").endManagedField()
        .addNewManagedField().withTime("2026-01-01T00:00:09Z").endManagedField().endMetadata().withData(data).build();
  }

  @Test
  void theCacheKeepsNoDataOnlyKeyedDigestsLabelsAndTheLastWrite() {
    Secret secret = new SecretBuilder().withNewMetadata().withName("db").withNamespace("shop").endMetadata()
        .withData(Map.of("password", "aHVudGVyMg==")).build();
    Secret slim = ConfigDigests.slim(secret, KEY);
    assertThat(Serialization.asJson(slim)).doesNotContain("aHVudGVyMg==");
    assertThat(slim.getData()).containsOnlyKeys("password");
    ConfigMap slimMap = ConfigDigests.slim(configMap(Map.of("a", "1")), KEY);
    assertThat(slimMap.getMetadata().getLabels()).containsEntry("team", "shop");
    assertThat(slimMap.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(slimMap.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(ConfigDigests.lastWrite(slimMap)).contains(Instant.parse("2026-01-01T00:00:09Z"));
  }

  @Test
  void hashesAreKeyedByTheInstall() {
    ConfigMap full = configMap(Map.of("a", "1", "b", "2"));
    String hash = ConfigDigests.hash(ConfigDigests.slim(full, KEY), null);
    assertThat(hash).startsWith(ConfigDigests.PREFIX).isEqualTo(ConfigDigests.hash(ConfigDigests.slim(full, KEY), null));
    assertThat(ConfigDigests.hash(ConfigDigests.slim(full, OTHER_KEY), null)).isNotEqualTo(hash);
    assertThat(hash).isNotEqualTo(ConfigHashes.of(full));
  }

  @Test
  void aChangedValueChangesTheHashOfTheKeysThatReadIt() {
    ConfigMap before = ConfigDigests.slim(configMap(Map.of("a", "1", "b", "2")), KEY);
    ConfigMap after = ConfigDigests.slim(configMap(Map.of("a", "1", "b", "3")), KEY);
    assertThat(ConfigDigests.hash(after, null)).isNotEqualTo(ConfigDigests.hash(before, null));
    assertThat(ConfigDigests.hash(after, Set.of("a"))).isEqualTo(ConfigDigests.hash(before, Set.of("a")));
    assertThat(ConfigDigests.hash(after, Set.of("b"))).isNotEqualTo(ConfigDigests.hash(before, Set.of("b")));
  }

  @Test
  void valuesMovedBetweenKeysOrSectionsHashApart() {
    ConfigMap split = ConfigDigests.slim(configMap(Map.of("ab", "c")), KEY);
    ConfigMap joined = ConfigDigests.slim(configMap(Map.of("a", "bc")), KEY);
    assertThat(ConfigDigests.hash(split, null)).isNotEqualTo(ConfigDigests.hash(joined, null));
    ConfigMap binary = ConfigDigests.slim(new ConfigMapBuilder(configMap(Map.of())).withData(null)
        .withBinaryData(Map.of("ab", "c")).build(), KEY);
    assertThat(ConfigDigests.hash(binary, null)).isNotEqualTo(ConfigDigests.hash(split, null));
  }

  @Test
  void theUnkeyedHashOlderBaselinesRecordedIsKeptBeside() {
    ConfigMap full = configMap(Map.of("a", "1"));
    assertThat(ConfigDigests.unkeyedHash(ConfigDigests.slim(full, KEY))).contains(ConfigHashes.of(full));
  }

  @Nested
  class ChosenKeys {
    private final ConfigMap ab = configMap(Map.of("a", "1", "b", "2"));

    /** As a pod reading these keys sees it: combined from the cache's keyed digests. */
    private String hash(HasMetadata object, Set<String> keys) {
      HasMetadata slim = object instanceof ConfigMap configMap ? ConfigDigests.slim(configMap, KEY)
          : ConfigDigests.slim((Secret) object, KEY);
      return ConfigDigests.hash(slim, keys);
    }

    @Test
    void noChoiceKeepsTheWholeObjectsHashAsBeforeBeside() {
      assertThat(ConfigDigests.unkeyedHash(ConfigDigests.slim(ab, KEY))).contains(ConfigHashes.of(ab));
    }

    @Test
    void choosingEveryKeyIsTheWholeObjectsHash() {
      assertThat(hash(ab, Set.of("a", "b"))).isEqualTo(hash(ab, null));
    }

    @Test
    void aChangeToAnotherKeyLeavesTheHashAlone() {
      assertThat(hash(configMap(Map.of("a", "1", "b", "changed")), Set.of("a")))
          .isEqualTo(hash(ab, Set.of("a")));
      assertThat(hash(configMap(Map.of("a", "1", "b", "2", "c", "new")), Set.of("a")))
          .isEqualTo(hash(ab, Set.of("a")));
      assertThat(hash(configMap(Map.of("a", "1")), Set.of("a"))).isEqualTo(hash(ab, Set.of("a")));
    }

    @Test
    void aChangeToAChosenKeyChangesTheHash() {
      String before = hash(ab, Set.of("a"));
      assertThat(hash(configMap(Map.of("a", "9", "b", "2")), Set.of("a"))).isNotEqualTo(before);
      assertThat(hash(configMap(Map.of("b", "2")), Set.of("a"))).as("the key removed").isNotEqualTo(before);
    }

    @Test
    void aChosenKeyAddedLaterChangesTheHash() {
      assertThat(hash(configMap(Map.of("b", "2")), Set.of("a")))
          .isNotEqualTo(hash(configMap(Map.of("a", "", "b", "2")), Set.of("a")));
    }

    @Test
    void aChosenKeyInBinaryDataCounts() {
      ConfigMap binary = new ConfigMapBuilder(ab).withBinaryData(Map.of("bin", "AAE=")).build();
      ConfigMap changed = new ConfigMapBuilder(ab).withBinaryData(Map.of("bin", "AAI=")).build();
      assertThat(hash(binary, Set.of("bin"))).isNotEqualTo(hash(changed, Set.of("bin")));
      assertThat(hash(binary, Set.of("a"))).isEqualTo(hash(changed, Set.of("a")));
    }

    @Test
    void aSecretsChosenKeysOnly() {
      Secret before = new SecretBuilder().withNewMetadata().withName("s").endMetadata().withData(Map.of("user", "YQ==", "password", "Yg==")).build();
      Secret after = new SecretBuilder().withNewMetadata().withName("s").endMetadata().withData(Map.of("user", "YQ==", "password", "Yw==")).build();
      assertThat(hash(after, Set.of("user"))).isEqualTo(hash(before, Set.of("user")));
      assertThat(hash(after, Set.of("password"))).isNotEqualTo(hash(before, Set.of("password")));
      assertThat(ConfigDigests.unkeyedHash(ConfigDigests.slim(before, KEY))).contains(ConfigHashes.of(before));
    }

    @Test
    void choosingNoKeyHashesNothingOfTheObject() {
      assertThat(hash(ab, Set.of())).isEqualTo(hash(configMap(Map.of("z", "0")), Set.of()));
    }
  }}
