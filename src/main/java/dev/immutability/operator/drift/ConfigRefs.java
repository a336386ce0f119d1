package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
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

/** The ConfigMaps and Secrets a pod's containers consume: volumes, projected volumes, envFrom and env valueFrom. */
public final class ConfigRefs {
  private ConfigRefs() {}

  public static List<ConfigRef> of(Pod pod) {
    Map<String, List<String>> volumeRefs = new LinkedHashMap<>();
    for (Volume volume : nullSafe(pod.getSpec().getVolumes())) {
      volumeRefs.put(volume.getName(), refsOf(volume));
    }
    Map<String, Set<String>> consumers = new LinkedHashMap<>();
    for (Container container : nullSafe(pod.getSpec().getContainers())) {
      String name = container.getName();
      for (VolumeMount mount : nullSafe(container.getVolumeMounts())) {
        for (String key : volumeRefs.getOrDefault(mount.getName(), List.of())) {
          consumers.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(name);
        }
      }
      for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
        if (source.getConfigMapRef() != null) {
          add(consumers, ConfigRef.CONFIG_MAP, source.getConfigMapRef().getName(), name);
        }
        if (source.getSecretRef() != null) {
          add(consumers, ConfigRef.SECRET, source.getSecretRef().getName(), name);
        }
      }
      for (EnvVar env : nullSafe(container.getEnv())) {
        EnvVarSource from = env.getValueFrom();
        if (from != null && from.getConfigMapKeyRef() != null) {
          add(consumers, ConfigRef.CONFIG_MAP, from.getConfigMapKeyRef().getName(), name);
        }
        if (from != null && from.getSecretKeyRef() != null) {
          add(consumers, ConfigRef.SECRET, from.getSecretKeyRef().getName(), name);
        }
      }
    }
    List<ConfigRef> refs = new ArrayList<>();
    consumers.forEach((key, containers) -> {
      int slash = key.indexOf('/');
      refs.add(new ConfigRef(key.substring(0, slash), key.substring(slash + 1), containers));
    });
    return refs;
  }

  private static List<String> refsOf(Volume volume) {
    List<String> keys = new ArrayList<>();
    if (volume.getConfigMap() != null) {
      keys.add(ConfigRef.key(ConfigRef.CONFIG_MAP, volume.getConfigMap().getName()));
    }
    if (volume.getSecret() != null) {
      keys.add(ConfigRef.key(ConfigRef.SECRET, volume.getSecret().getSecretName()));
    }
    ProjectedVolumeSource projected = volume.getProjected();
    // The service account volume Kubernetes injects (token + kube-root-ca.crt) is the platform's, not the app's.
    if (projected != null && nullSafe(projected.getSources()).stream().noneMatch(s -> s.getServiceAccountToken() != null)) {
      for (VolumeProjection source : nullSafe(projected.getSources())) {
        if (source.getConfigMap() != null) {
          keys.add(ConfigRef.key(ConfigRef.CONFIG_MAP, source.getConfigMap().getName()));
        }
        if (source.getSecret() != null) {
          keys.add(ConfigRef.key(ConfigRef.SECRET, source.getSecret().getName()));
        }
      }
    }
    return keys;
  }

  private static void add(Map<String, Set<String>> consumers, String kind, String name, String container) {
    if (name != null) {
      consumers.computeIfAbsent(ConfigRef.key(kind, name), k -> new LinkedHashSet<>()).add(container);
    }
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
