package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.Exclude;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class ConfigExclusionsTest {
  private static final ConfigRef CONFIG_MAP = new ConfigRef(ConfigRef.CONFIG_MAP, "certs", Set.of("app"));
  private static final ConfigRef SECRET = new ConfigRef(ConfigRef.SECRET, "certs", Set.of("app"));

  private static Predicate<ConfigRef> excluded(Exclude exclude, Map<String, String> labels) {
    return ConfigExclusions.of(exclude, ref -> Optional.ofNullable(labels));
  }

  @Test
  void nothingIsExcludedByDefault() {
    assertThat(excluded(new Exclude(), Map.of("any", "label"))).rejects(CONFIG_MAP, SECRET);
    assertThat(ConfigExclusions.of(null, ref -> Optional.empty())).rejects(CONFIG_MAP);
  }

  @Test
  void configMapsAndSecretsAreExcludedByNameEachByItsOwnList() {
    Exclude configMaps = new Exclude();
    configMaps.setConfigMaps(List.of("certs"));
    assertThat(excluded(configMaps, Map.of())).accepts(CONFIG_MAP).rejects(SECRET);
    Exclude secrets = new Exclude();
    secrets.setSecrets(List.of("certs"));
    assertThat(excluded(secrets, Map.of())).accepts(SECRET).rejects(CONFIG_MAP);
  }

  @Test
  void objectsAreExcludedByTheirLabels() {
    Exclude exclude = new Exclude();
    exclude.setConfigSelector(new LabelSelectorBuilder().addToMatchLabels("rotated-by", "cert-manager").build());
    assertThat(excluded(exclude, Map.of("rotated-by", "cert-manager"))).accepts(CONFIG_MAP, SECRET);
    assertThat(excluded(exclude, Map.of("rotated-by", "hand"))).rejects(CONFIG_MAP, SECRET);
    assertThat(excluded(exclude, null)).as("an object that does not exist has no labels").rejects(CONFIG_MAP);
  }

  @Test
  void anEmptySelectorExcludesNothing() {
    Exclude exclude = new Exclude();
    exclude.setConfigSelector(new LabelSelectorBuilder().build());
    assertThat(excluded(exclude, Map.of("a", "b"))).rejects(CONFIG_MAP);
  }
}
