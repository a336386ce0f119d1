package dev.immutability.operator.remediation;

import dev.immutability.operator.reconciler.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replacements started per policy and not yet complete. A replacement is complete once the old pod is gone and
 * its controller again has all the ready pods it wants (for a bare pod: the recreated pod is ready), or after a
 * timeout, so one pod that never becomes ready cannot stop remediation for good.
 */
final class InFlightReplacements {
  /** ownerUid and desired are null for a bare pod; desired is null when the controller does not say. */
  private record Replacement(String namespace, String name, String uid, String ownerUid, Integer desired,
      Instant startedAt) {}

  private final Map<String, Map<String, Replacement>> byPolicy = new ConcurrentHashMap<>();
  private final ClusterView view;
  private final Duration timeout;

  InFlightReplacements(ClusterView view, Duration timeout) {
    this.view = view;
    this.timeout = timeout;
  }

  void started(String policyKey, Pod pod, Instant now) {
    String ownerUid = ClusterView.controllerOf(pod).map(o -> o.getUid()).orElse(null);
    byPolicy.computeIfAbsent(policyKey, k -> new ConcurrentHashMap<>()).put(pod.getMetadata().getUid(),
        new Replacement(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(),
            ownerUid, view.desiredReplicas(pod).orElse(null), now));
  }

  /** Replacements of the policy still in flight; completed ones are dropped on the way. */
  int count(String policyKey, Instant now) {
    Map<String, Replacement> replacements = byPolicy.getOrDefault(policyKey, Map.of());
    replacements.values().removeIf(r -> isComplete(r, now));
    return replacements.size();
  }

  void forget(String policyKey) {
    byPolicy.remove(policyKey);
  }

  private boolean isComplete(Replacement r, Instant now) {
    if (now.isAfter(r.startedAt().plus(timeout))) {
      return true;
    }
    Optional<Pod> current = view.pod(r.namespace(), r.name());
    if (r.ownerUid() == null) {
      return current.filter(p -> !r.uid().equals(p.getMetadata().getUid())).filter(PodReadiness::isReady).isPresent();
    }
    boolean oldPodGone = current.filter(p -> r.uid().equals(p.getMetadata().getUid())).isEmpty();
    long ready = view.podsOfController(r.ownerUid()).stream().filter(PodReadiness::isReady).count();
    return oldPodGone && (r.desired() == null || ready >= r.desired());
  }
}
