package dev.immutability.operator.drift;

import dev.immutability.operator.api.Exclude;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** The ConfigMaps and Secrets a policy does not track: by name, or by a selector on their labels. */
public final class ConfigExclusions {
  private ConfigExclusions() {}

  /**
   * @param labelsOf the labels of the referenced object, empty when it does not exist (then only its name counts)
   */
  public static Predicate<ConfigRef> of(Exclude exclude, Function<ConfigRef, Optional<Map<String, String>>> labelsOf) {
    if (exclude == null) {
      return ref -> false;
    }
    List<String> configMaps = exclude.getConfigMaps() == null ? List.of() : exclude.getConfigMaps();
    List<String> secrets = exclude.getSecrets() == null ? List.of() : exclude.getSecrets();
    return ref -> (ConfigRef.CONFIG_MAP.equals(ref.kind()) ? configMaps : secrets).contains(ref.name())
        || (exclude.getConfigSelector() != null && labelsOf.apply(ref)
            .map(labels -> PolicySelection.matches(exclude.getConfigSelector(), labels)).orElse(false));
  }
}
