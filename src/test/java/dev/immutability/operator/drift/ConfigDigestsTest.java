package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
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
}
