package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
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
 * @param byOwner per controller uid
 * @param withoutOwner unready pods no controller owns
 */
record Unavailability(Map<String, OwnerPods> byOwner, int withoutOwner) {

  /** @param unready creation time of each unready pod, by uid */
  record OwnerPods(int missing, Map<String, Instant> unready) {}

  /** A replacement in flight: the uid of the pod it removes, and when. */
  record Started(String oldPod, Instant at) {}

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
    Map<String, OwnerPods> byOwner = new HashMap<>();
    podsByOwner.forEach((owner, pods) -> {
      Map<String, Instant> unready = new HashMap<>();
      pods.stream().filter(p -> !PodReadiness.isReady(p)).forEach(p -> unready.put(p.getMetadata().getUid(),
          p.getMetadata().getCreationTimestamp() == null ? Instant.EPOCH
              : Instant.parse(p.getMetadata().getCreationTimestamp())));
      int missing = ownerAvailability.apply(pods.get(0)).map(OwnerAvailability::missing).orElse(0);
      byOwner.put(owner, new OwnerPods(missing, unready));
    });
    return new Unavailability(Map.copyOf(byOwner), withoutOwner);
  }

  /**
   * The pods out of service, given the replacements in flight. An owner with replacements not yet complete lacks
   * one pod for each, whatever the cache shows meanwhile (the old pod still ready, or already gone while the
   * owner's status still counts it), plus every unready pod that is neither a pod being replaced nor one made since
   * (a replacement); or the pods its status says are missing, if more.
   *
   * @param inFlight incomplete replacements per controller uid
   * @param bareInFlight incomplete recreations of pods no controller owns
   */
  int with(Map<String, List<Started>> inFlight, int bareInFlight) {
    Set<String> owners = new HashSet<>(byOwner.keySet());
    owners.addAll(inFlight.keySet());
    int total = withoutOwner + bareInFlight;
    for (String owner : owners) {
      OwnerPods pods = byOwner.getOrDefault(owner, new OwnerPods(0, Map.of()));
      List<Started> started = inFlight.getOrDefault(owner, List.of());
      if (started.isEmpty()) {
        total += Math.max(pods.missing(), pods.unready().size());
        continue;
      }
      Set<String> beingReplaced = new HashSet<>();
      started.forEach(s -> beingReplaced.add(s.oldPod()));
      // Creation times have seconds only: a pod made in the second the first replacement started counts as new.
      Instant since = started.stream().map(Started::at).min(Instant::compareTo).orElseThrow()
          .truncatedTo(ChronoUnit.SECONDS);
      long otherUnready = pods.unready().entrySet().stream()
          .filter(e -> !beingReplaced.contains(e.getKey()) && e.getValue().isBefore(since)).count();
      total += Math.max(pods.missing(), started.size() + (int) otherUnready);
    }
    return total;
  }
}
