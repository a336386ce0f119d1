package dev.immutability.operator.remediation;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replacements started per policy and not yet complete. A replacement is complete once the old pod is gone and
 * its owner again has every pod it wants available (for a bare pod: the recreated pod is ready). One that is not
 * complete within the timeout is not done but timed out: it keeps counting against the policy's maxUnavailable,
 * and the owner's other pods are not replaced until the owner recovers.
 */
final class InFlightReplacements {
  /** owner is null for a bare pod; podsOfOwner is how many pods the owner had when the replacement started. */
  record Replacement(ImmutabilityPolicy policy, String namespace, String name, String uid, OwnerReference owner,
      Owner ownerKey, int podsOfOwner, Instant startedAt, boolean timedOut) {

    Replacement timedOutNow() {
      return new Replacement(policy, namespace, name, uid, owner, ownerKey, podsOfOwner, startedAt, true);
    }
  }

  /** What a refresh found: replacements that just timed out, and timed-out ones whose owner recovered. */
  record Changes(List<Replacement> timedOut, List<Replacement> recovered) {}

  private final Map<String, Map<String, Replacement>> byPolicy = new ConcurrentHashMap<>();
  private final ClusterView view;
  private final Duration timeout;

  InFlightReplacements(ClusterView view, Duration timeout) {
    this.view = view;
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  Replacement started(String policyKey, ImmutabilityPolicy policy, Pod pod, Instant now) {
    Optional<OwnerReference> owner = ClusterView.controllerOf(pod);
    int podsOfOwner = owner.map(o -> view.podsOfController(o.getUid()).size()).orElse(1);
    Replacement replacement = new Replacement(policy, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        pod.getMetadata().getUid(), owner.orElse(null), Owner.of(pod), podsOfOwner, now, false);
    byPolicy.computeIfAbsent(policyKey, k -> new ConcurrentHashMap<>()).put(replacement.uid(), replacement);
    return replacement;
  }

  /** Whether this pod's replacement was started (and is not complete): the cache may not show it going yet. */
  boolean replacing(String policyKey, String podUid) {
    Replacement replacement = byPolicy.getOrDefault(policyKey, Map.of()).get(podUid);
    return replacement != null && !replacement.timedOut();
  }

  /** The replacement did not happen after all (the API server refused it). */
  void cancel(String policyKey, String podUid) {
    byPolicy.getOrDefault(policyKey, Map.of()).remove(podUid);
  }

  /** Replacements not complete (timed-out ones included), per controller uid. */
  Map<String, List<Unavailability.Started>> byOwner(String policyKey) {
    Map<String, List<Unavailability.Started>> started = new HashMap<>();
    byPolicy.getOrDefault(policyKey, Map.of()).values().stream().filter(r -> r.owner() != null)
        .forEach(r -> started.computeIfAbsent(r.owner().getUid(), k -> new ArrayList<>())
            .add(new Unavailability.Started(r.uid(), r.startedAt())));
    return started;
  }

  /** Recreations of bare pods not complete. */
  int bare(String policyKey) {
    return (int) byPolicy.getOrDefault(policyKey, Map.of()).values().stream().filter(r -> r.owner() == null).count();
  }

  /** A replacement of this owner's pods timed out and the owner has not recovered since. */
  Optional<Replacement> blocking(String policyKey, Owner owner) {
    return byPolicy.getOrDefault(policyKey, Map.of()).values().stream()
        .filter(r -> r.timedOut() && r.ownerKey().equals(owner)).findFirst();
  }

  /** Drops completed replacements and marks those past the timeout. */
  synchronized Changes refresh(String policyKey, Instant now) {
    Map<String, Replacement> replacements = byPolicy.getOrDefault(policyKey, Map.of());
    List<Replacement> timedOut = new ArrayList<>();
    List<Replacement> recovered = new ArrayList<>();
    for (Replacement r : List.copyOf(replacements.values())) {
      if (isComplete(r)) {
        replacements.remove(r.uid());
        if (r.timedOut()) {
          recovered.add(r);
        }
      } else if (!r.timedOut() && !now.isBefore(r.startedAt().plus(timeout))) {
        Replacement marked = r.timedOutNow();
        replacements.put(r.uid(), marked);
        timedOut.add(marked);
      }
    }
    return new Changes(timedOut, recovered);
  }

  void forget(String policyKey) {
    byPolicy.remove(policyKey);
  }

  private boolean isComplete(Replacement r) {
    Optional<Pod> current = view.pod(r.namespace(), r.name());
    if (r.owner() == null) {
      return current.filter(p -> !r.uid().equals(p.getMetadata().getUid())).filter(PodReadiness::isReady).isPresent();
    }
    if (current.filter(p -> r.uid().equals(p.getMetadata().getUid())).isPresent()) {
      return false;
    }
    long ready = view.podsOfController(r.owner().getUid()).stream().filter(PodReadiness::isReady).count();
    Optional<OwnerAvailability> availability = view.owner(r.namespace(), r.owner()).flatMap(OwnerAvailability::of);
    if (availability.isPresent()) {
      // The owner's status lags behind the pods: right after an eviction it may still count the old pod.
      return availability.get().recovered() && ready >= availability.get().wanted();
    }
    // An owner whose status says nothing (or that was deleted): its pods tell.
    return view.podsOfController(r.owner().getUid()).isEmpty() || ready >= r.podsOfOwner();
  }
}
