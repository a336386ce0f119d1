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
import java.util.stream.Collectors;

/**
 * How many of a policy's pods are out of service. For an owner whose kind says how many pods it wants: the pods it
 * wants and has not ready now, as the pod cache shows them (a missing pod counts as much as an unready one), or as
 * its status says if that is more. For a pod without a known owner: whether it is unready. Finished pods (Succeeded,
 * Failed) never count: they are done, not unavailable.
 *
 * @param byOwner per controller uid
 * @param withoutOwner unready pods no controller owns
 */
record Unavailability(Map<String, OwnerPods> byOwner, int withoutOwner) {

  /**
   * @param availability what the owner's status says; empty for kinds whose status does not say
   * @param ready uids of the owner's pods available now: ready for its minReadySeconds (selected or not); empty
   *     when its status does not say
   * @param unready creation time of each unready pod, by uid
   */
  record OwnerPods(Optional<OwnerAvailability> availability, Set<String> ready, Map<String, Instant> unready) {}

  /** A replacement in flight: the uid of the pod it removes, and when. */
  record Started(String oldPod, Instant at) {}

  static Unavailability of(List<Pod> selected, Function<Pod, Optional<OwnerAvailability>> ownerAvailability,
      Function<String, List<Pod>> podsOfOwner, Instant now) {
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
      Optional<OwnerAvailability> availability = ownerAvailability.apply(pods.get(0));
      // Only an owner that says how many pods it wants is counted by its available pods.
      Set<String> ready = availability.map(a -> podsOfOwner.apply(owner).stream().filter(p -> a.isAvailable(p, now))
          .map(p -> p.getMetadata().getUid()).collect(Collectors.toSet())).orElse(Set.of());
      byOwner.put(owner, new OwnerPods(availability, ready, unready));
    });
    return new Unavailability(Map.copyOf(byOwner), withoutOwner);
  }

  /**
   * The pods out of service, given the replacements in flight. An owner whose kind says how many pods it wants lacks
   * the pods not ready now, plus one for each replacement whose old pod the cache still shows ready (the eviction is
   * not seen yet): each replacement frees its slot as soon as a pod is ready in its place. For other owners a
   * replacement not complete lacks one pod, whatever the cache shows meanwhile, plus every unready pod that is neither
   * a pod being replaced nor one made since (a replacement).
   *
   * @param inFlight incomplete replacements per controller uid
   * @param bareInFlight incomplete recreations of pods no controller owns
   */
  int with(Map<String, List<Started>> inFlight, int bareInFlight) {
    Set<String> owners = new HashSet<>(byOwner.keySet());
    owners.addAll(inFlight.keySet());
    int total = withoutOwner + bareInFlight;
    for (String owner : owners) {
      OwnerPods pods = byOwner.getOrDefault(owner, new OwnerPods(Optional.empty(), Set.of(), Map.of()));
      List<Started> started = inFlight.getOrDefault(owner, List.of());
      if (pods.availability().isPresent()) {
        OwnerAvailability status = pods.availability().get();
        // Surplus ready pods (a surge, a scale-down under way) never hide the selected pods that are not ready.
        int notReady = Math.max(Math.max(status.missing(), status.wanted() - pods.ready().size()),
            pods.unready().size());
        total += Math.max(0, notReady) + (int) started.stream().filter(s -> pods.ready().contains(s.oldPod())).count();
      } else if (started.isEmpty()) {
        total += pods.unready().size();
      } else {
        total += started.size() + otherUnready(pods, started);
      }
    }
    return total;
  }

  private static int otherUnready(OwnerPods pods, List<Started> started) {
    Set<String> beingReplaced = new HashSet<>();
    started.forEach(s -> beingReplaced.add(s.oldPod()));
    // Creation times have seconds only: a pod made in the second the first replacement started counts as new.
    Instant since = started.stream().map(Started::at).min(Instant::compareTo).orElseThrow()
        .truncatedTo(ChronoUnit.SECONDS);
    return (int) pods.unready().entrySet().stream()
        .filter(e -> !beingReplaced.contains(e.getKey()) && e.getValue().isBefore(since)).count();
  }
}
