package dev.immutability.operator.observe;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.ConfigRef;
import dev.immutability.operator.drift.DeclaredState;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pod and everything its evaluation reads of the cluster about that pod, taken from the caches once, at one
 * moment: detection and the records work from this, so they all see the same state. (What concerns a policy as a
 * whole, its budget and replacements in flight, the remediator reads itself.)
 *
 * @param policies the policies governing the pod (empty: none does)
 * @param capturedBaseline the baseline taken now, for a pod that has none recorded yet
 * @param declared what the pod should be: its owner's declaration, its baseline, the hashes of what it consumes
 * @param configLabels labels of each ConfigMap and Secret the pod consumes that is cached (for exclusions)
 * @param exceptions the exceptions of its namespace that select it, expired or not
 * @param latestWrite when the pod or something it consumes was last written
 */
public record PodObservation(Pod pod, List<ImmutabilityPolicy> policies, Optional<Baseline> capturedBaseline,
    DeclaredState declared, Map<ConfigRef, Map<String, String>> configLabels, List<ImmutabilityException> exceptions,
    Optional<Instant> latestWrite) {

  public PodObservation {
    policies = List.copyOf(policies);
    configLabels = Map.copyOf(configLabels);
    exceptions = List.copyOf(exceptions);
  }

  /** A pod no policy governs: nothing else of it is read. */
  static PodObservation ungoverned(Pod pod) {
    return new PodObservation(pod, List.of(), Optional.empty(), null, Map.of(), List.of(), Optional.empty());
  }

  public Optional<Map<String, String>> configLabels(ConfigRef ref) {
    return Optional.ofNullable(configLabels.get(ref));
  }
}
