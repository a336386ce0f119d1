package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How many of a policy's pods are out of service: for each owner the pods it wants and does not have available
 * (a missing pod counts as much as an unready one), or its unready pods if more; for a pod without a known owner,
 * whether it is unready. Finished pods (Succeeded, Failed) never count: they are done, not unavailable.
 *
 * @param byOwner out-of-service pods per controller uid
 * @param withoutOwner unready pods no controller owns
 */
record Unavailability(Map<String, Integer> byOwner, int withoutOwner) {

  static Unavailability of(List<Pod> selected, Function<Pod, Optional<OwnerAvailability>> ownerAvailability) {
    Map<String, List<Pod>> podsByOwner = new LinkedHashMap<>();
    int withoutOwner = 0;
    for (Pod pod : selected) {
      if (PodReadiness.hasFinished(pod)) {
        continue;
      }
      Optional<String> owner = ClusterView.controllerOf(pod).map(o -> o.getUid());
      if (owner.isPresent()) {
        podsByOwner.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(pod);
      } else if (!PodReadiness.isReady(pod)) {
        withoutOwner++;
      }
    }
    Map<String, Integer> byOwner = new LinkedHashMap<>();
    podsByOwner.forEach((owner, pods) -> {
      int unready = (int) pods.stream().filter(p -> !PodReadiness.isReady(p)).count();
      int missing = ownerAvailability.apply(pods.get(0)).map(OwnerAvailability::missing).orElse(0);
      byOwner.put(owner, Math.max(unready, missing));
    });
    return new Unavailability(Map.copyOf(byOwner), withoutOwner);
  }

  static int count(List<Pod> selected, Function<Pod, Optional<OwnerAvailability>> ownerAvailability) {
    return of(selected, ownerAvailability).with(Map.of(), 0);
  }

  /**
   * The pods out of service, given the replacements in flight: an owner with replacements not yet complete lacks
   * at least that many pods, whatever the cache shows. The cache can lag both ways (the old pod still ready, or
   * already gone while the owner's status still counts it), and neither may let a second pod go.
   *
   * @param inFlightByOwner incomplete replacements per controller uid
   * @param bareInFlight incomplete recreations of pods no controller owns
   */
  int with(Map<String, Integer> inFlightByOwner, int bareInFlight) {
    Set<String> owners = new HashSet<>(byOwner.keySet());
    owners.addAll(inFlightByOwner.keySet());
    int total = withoutOwner + bareInFlight;
    for (String owner : owners) {
      total += Math.max(byOwner.getOrDefault(owner, 0), inFlightByOwner.getOrDefault(owner, 0));
    }
    return total;
  }
}
