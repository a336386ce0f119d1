package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How many of a policy's pods are out of service: for each owner the pods it wants and does not have available
 * (a missing pod counts as much as an unready one), or its unready pods if more; for a pod without a known owner,
 * whether it is unready. Finished pods (Succeeded, Failed) never count: they are done, not unavailable.
 */
final class Unavailability {
  private Unavailability() {}

  static int count(List<Pod> selected, Function<Pod, Optional<OwnerAvailability>> ownerAvailability) {
    Map<String, List<Pod>> byOwner = new LinkedHashMap<>();
    int unavailable = 0;
    for (Pod pod : selected) {
      if (PodReadiness.hasFinished(pod)) {
        continue;
      }
      Optional<String> owner = ClusterView.controllerOf(pod).map(o -> o.getUid());
      if (owner.isPresent()) {
        byOwner.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(pod);
      } else if (!PodReadiness.isReady(pod)) {
        unavailable++;
      }
    }
    for (List<Pod> pods : byOwner.values()) {
      int unready = (int) pods.stream().filter(p -> !PodReadiness.isReady(p)).count();
      int missing = ownerAvailability.apply(pods.get(0)).map(OwnerAvailability::missing).orElse(0);
      unavailable += Math.max(unready, missing);
    }
    return unavailable;
  }
}
