package dev.immutability.operator.webhook;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What admission decisions read, answered from the operator's informer caches (no API round trip). */
interface PolicyLookup {
  Optional<Pod> pod(String namespace, String name);

  /** Policies of the namespace whose selector matches the labels, sorted by name. */
  List<ImmutabilityPolicy> selecting(String namespace, Map<String, String> labels);

  /**
   * Policies that govern a pod already running: as {@link #selecting}, plus those that selected it when its
   * baseline was taken and have not changed since (its labels may have been edited out of their selector).
   */
  default List<ImmutabilityPolicy> governing(Pod pod) {
    return selecting(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels());
  }

  /** Exceptions of the namespace whose selector matches the labels, expired or not; none where none are cached. */
  default List<ImmutabilityException> exceptions(String namespace, Map<String, String> labels) {
    return List.of();
  }
}
