package dev.immutability.operator.drift;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A ConfigMap or Secret a pod consumes, the containers that consume it, and the keys they read.
 *
 * @param kind {@code ConfigMap} or {@code Secret}
 * @param keys the keys read, or null when some consumer reads the whole object (envFrom, a volume without items)
 */
public record ConfigRef(String kind, String name, Set<String> containers, SortedSet<String> keys) {

  public static final String CONFIG_MAP = "ConfigMap";
  public static final String SECRET = "Secret";

  public ConfigRef {
    containers = Set.copyOf(containers);
    keys = keys == null ? null : new TreeSet<>(keys);
  }

  /** A reference to the whole object. */
  public ConfigRef(String kind, String name, Set<String> containers) {
    this(kind, name, containers, null);
  }

  public boolean readsAllKeys() {
    return keys == null;
  }

  /**
   * What the pod's baseline records this reference under: {@code ConfigMap/app-config} for the whole object, the
   * same key as before single-key tracking, so baselines recorded then compare alike; {@code ConfigMap/app-config[a,b]}
   * for the keys a and b only.
   */
  public String key() {
    return readsAllKeys() ? objectKey() : objectKey() + "[" + String.join(",", keys) + "]";
  }

  /** Identifies the object within the pod's namespace, e.g. {@code ConfigMap/app-config}. */
  public String objectKey() {
    return key(kind, name);
  }

  public static String key(String kind, String name) {
    return kind + "/" + name;
  }
}
