package dev.immutability.operator.remediation;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.ConfigRef;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.webhook.AdmissionDecider;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks, before a pod is removed, that its replacement can start: the ConfigMaps and Secrets it needs (references
 * not marked optional) exist, and this operator's own admission rules would let it be created. A replacement that
 * cannot start would turn one drifted pod into one missing pod.
 */
final class ReplacementPreflight {
  private final ClusterView view;
  private final boolean admissionEnforced;

  /** @param admissionEnforced whether this operator's webhook runs, so its Enforce rules apply to new pods */
  ReplacementPreflight(ClusterView view, boolean admissionEnforced) {
    this.view = view;
    this.admissionEnforced = admissionEnforced;
  }

  /** Why the replacement of the pod could not start; empty when nothing stands in its way. */
  Optional<String> problem(Pod pod, Pod replacement) {
    String namespace = pod.getMetadata().getNamespace();
    List<String> missing = requiredConfigs(replacement.getSpec()).stream()
        .filter(ref -> !view.configExists(namespace, ref.kind(), ref.name())).map(ConfigRef::key).toList();
    if (!missing.isEmpty()) {
      return Optional.of("its replacement could not start: it needs " + String.join(", ", missing)
          + ", which do" + (missing.size() == 1 ? "es" : "") + " not exist");
    }
    if (!admissionEnforced) {
      return Optional.empty();
    }
    List<ImmutabilityPolicy> selecting = view.policiesSelecting(namespace, replacement.getMetadata().getLabels());
    if (selecting.stream().anyMatch(ReplacementPreflight::mutatesRootFilesystem)) {
      return Optional.empty();
    }
    return AdmissionDecider.createRefusal(replacement, selecting)
        .map(refusal -> "its replacement would be refused at admission: " + refusal);
  }

  /** What replaces the pod: its controller's template when cached, else the pod's own declared spec. */
  Pod replacementOf(Pod pod, Pod barePodReplacement) {
    if (barePodReplacement != null) {
      return barePodReplacement;
    }
    return view.ownerTemplate(pod).map(template -> new PodBuilder()
        .withNewMetadata().withNamespace(pod.getMetadata().getNamespace()).withLabels(template.getMetadata() == null
            ? pod.getMetadata().getLabels() : template.getMetadata().getLabels()).endMetadata()
        .withSpec(template.getSpec()).build()).orElse(pod);
  }

  private static boolean mutatesRootFilesystem(ImmutabilityPolicy policy) {
    return policy.getSpec().getMode() == Mode.Enforce && policy.getSpec().getDetect().isRootFilesystem()
        && policy.getSpec().getRootFilesystem().isRequireReadOnly() && policy.getSpec().getRootFilesystem().isMutate();
  }

  /** The ConfigMaps and Secrets a pod cannot start without: volumes, projections, envFrom and env not optional. */
  static Set<ConfigRef> requiredConfigs(PodSpec spec) {
    Set<ConfigRef> refs = new LinkedHashSet<>();
    for (Volume volume : nullSafe(spec.getVolumes())) {
      if (volume.getConfigMap() != null && !optional(volume.getConfigMap().getOptional())) {
        refs.add(ref(ConfigRef.CONFIG_MAP, volume.getConfigMap().getName()));
      }
      if (volume.getSecret() != null && !optional(volume.getSecret().getOptional())) {
        refs.add(ref(ConfigRef.SECRET, volume.getSecret().getSecretName()));
      }
      if (volume.getProjected() != null) {
        for (VolumeProjection source : nullSafe(volume.getProjected().getSources())) {
          if (source.getConfigMap() != null && !optional(source.getConfigMap().getOptional())) {
            refs.add(ref(ConfigRef.CONFIG_MAP, source.getConfigMap().getName()));
          }
          if (source.getSecret() != null && !optional(source.getSecret().getOptional())) {
            refs.add(ref(ConfigRef.SECRET, source.getSecret().getName()));
          }
        }
      }
    }
    List<Container> containers = new ArrayList<>(nullSafe(spec.getContainers()));
    containers.addAll(nullSafe(spec.getInitContainers()));
    for (Container container : containers) {
      for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
        if (source.getConfigMapRef() != null && !optional(source.getConfigMapRef().getOptional())) {
          refs.add(ref(ConfigRef.CONFIG_MAP, source.getConfigMapRef().getName()));
        }
        if (source.getSecretRef() != null && !optional(source.getSecretRef().getOptional())) {
          refs.add(ref(ConfigRef.SECRET, source.getSecretRef().getName()));
        }
      }
      for (EnvVar env : nullSafe(container.getEnv())) {
        var from = env.getValueFrom();
        if (from != null && from.getConfigMapKeyRef() != null && !optional(from.getConfigMapKeyRef().getOptional())) {
          refs.add(ref(ConfigRef.CONFIG_MAP, from.getConfigMapKeyRef().getName()));
        }
        if (from != null && from.getSecretKeyRef() != null && !optional(from.getSecretKeyRef().getOptional())) {
          refs.add(ref(ConfigRef.SECRET, from.getSecretKeyRef().getName()));
        }
      }
    }
    refs.removeIf(r -> r.name() == null);
    return refs;
  }

  private static ConfigRef ref(String kind, String name) {
    return new ConfigRef(kind, name, Set.of());
  }

  private static boolean optional(Boolean flag) {
    return Boolean.TRUE.equals(flag);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
