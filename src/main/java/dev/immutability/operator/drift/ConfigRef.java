package dev.immutability.operator.drift;

import java.util.Set;

/**
 * A ConfigMap or Secret a pod consumes, and the containers that consume it.
 *
 * @param kind {@code ConfigMap} or {@code Secret}
 */
public record ConfigRef(String kind, String name, Set<String> containers) {

  public static final String CONFIG_MAP = "ConfigMap";
  public static final String SECRET = "Secret";

  public ConfigRef {
    containers = Set.copyOf(containers);
  }

  /** Identifies the object within the pod's namespace, e.g. {@code ConfigMap/app-config}. */
  public String key() {
    return key(kind, name);
  }

  public static String key(String kind, String name) {
    return kind + "/" + name;
  }
}
