package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ConfigMaps and Secrets a pod's containers consume (volumes, projected volumes, envFrom and env valueFrom),
 * and which of their keys: a configMapKeyRef or secretKeyRef reads one key, a volume or projection with
 * {@code items} reads those keys, anything else reads the whole object.
 */
public final class ConfigRefs {
  private ConfigRefs() {}

  public static List<ConfigRef> of(Pod pod) {
    Map<String, List<Read>> volumeReads = new LinkedHashMap<>();
    for (Volume volume : nullSafe(pod.getSpec().getVolumes())) {
      volumeReads.put(volume.getName(), readsOf(volume));
    }
    Map<String, Consumption> consumed = new LinkedHashMap<>();
    for (Container container : PodContainers.of(pod.getSpec())) {
      String name = container.getName();
      for (VolumeMount mount : nullSafe(container.getVolumeMounts())) {
        volumeReads.getOrDefault(mount.getName(), List.of()).forEach(read -> add(consumed, read, name));
      }
      for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
        if (source.getConfigMapRef() != null) {
          add(consumed, new Read(ConfigRef.CONFIG_MAP, source.getConfigMapRef().getName(), null), name);
        }
        if (source.getSecretRef() != null) {
          add(consumed, new Read(ConfigRef.SECRET, source.getSecretRef().getName(), null), name);
        }
      }
      for (EnvVar env : nullSafe(container.getEnv())) {
        EnvVarSource from = env.getValueFrom();
        if (from != null && from.getConfigMapKeyRef() != null) {
          add(consumed, new Read(ConfigRef.CONFIG_MAP, from.getConfigMapKeyRef().getName(),
              keys(from.getConfigMapKeyRef().getKey())), name);
        }
        if (from != null && from.getSecretKeyRef() != null) {
          add(consumed, new Read(ConfigRef.SECRET, from.getSecretKeyRef().getName(),
              keys(from.getSecretKeyRef().getKey())), name);
        }
      }
    }
    return consumed.values().stream().map(c -> new ConfigRef(c.kind, c.name, c.containers, c.keys)).toList();
  }

  private static List<Read> readsOf(Volume volume) {
    List<Read> reads = new ArrayList<>();
    if (volume.getConfigMap() != null) {
      reads.add(new Read(ConfigRef.CONFIG_MAP, volume.getConfigMap().getName(), itemKeys(volume.getConfigMap().getItems())));
    }
    if (volume.getSecret() != null) {
      reads.add(new Read(ConfigRef.SECRET, volume.getSecret().getSecretName(), itemKeys(volume.getSecret().getItems())));
    }
    ProjectedVolumeSource projected = volume.getProjected();
    // The service account volume Kubernetes injects (token + kube-root-ca.crt) is the platform's, not the app's.
    if (projected != null && nullSafe(projected.getSources()).stream().noneMatch(s -> s.getServiceAccountToken() != null)) {
      for (VolumeProjection source : nullSafe(projected.getSources())) {
        if (source.getConfigMap() != null) {
          reads.add(new Read(ConfigRef.CONFIG_MAP, source.getConfigMap().getName(),
              itemKeys(source.getConfigMap().getItems())));
        }
        if (source.getSecret() != null) {
          reads.add(new Read(ConfigRef.SECRET, source.getSecret().getName(), itemKeys(source.getSecret().getItems())));
        }
      }
    }
    return reads;
  }

  /** Keys of a volume's {@code items}; without items the volume holds every key. */
  private static Set<String> itemKeys(List<KeyToPath> items) {
    if (items == null || items.isEmpty()) {
      return null;
    }
    Set<String> keys = new TreeSet<>();
    items.forEach(item -> keys.addAll(keys(item.getKey())));
    return keys;
  }

  private static Set<String> keys(String key) {
    return key == null ? Set.of() : Set.of(key);
  }

  private static void add(Map<String, Consumption> consumed, Read read, String container) {
    if (read.name() == null) {
      return;
    }
    consumed.computeIfAbsent(ConfigRef.key(read.kind(), read.name()), k -> new Consumption(read.kind(), read.name()))
        .add(read.keys(), container);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** One way of reading an object: its keys, or null for all of them. */
  private record Read(String kind, String name, Set<String> keys) {}

  /** What all readers of one object read together: the whole object as soon as one of them does. */
  private static final class Consumption {
    private final String kind;
    private final String name;
    private final Set<String> containers = new LinkedHashSet<>();
    private TreeSet<String> keys = new TreeSet<>();

    Consumption(String kind, String name) {
      this.kind = kind;
      this.name = name;
    }

    void add(Set<String> read, String container) {
      containers.add(container);
      if (read == null) {
        keys = null;
      } else if (keys != null) {
        keys.addAll(read);
      }
    }
  }
}
