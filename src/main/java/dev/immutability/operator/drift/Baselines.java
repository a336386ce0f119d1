package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Takes a pod's baseline the first time it is seen running. */
public final class Baselines {
  private Baselines() {}

  /**
   * The pod's baseline, or empty while it cannot be taken yet: the pod is not running or a container has not
   * reported the digest it runs.
   *
   * @param configHashes current hash per {@link ConfigRef#key()}; an absent object is recorded as ""
   */
  public static Optional<Baseline> capture(Pod pod, Map<String, String> configHashes, Instant now) {
    if (pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null || statuses.size() < pod.getSpec().getContainers().size()) {
      return Optional.empty();
    }
    Map<String, String> digests = new HashMap<>();
    for (ContainerStatus status : statuses) {
      String digest = ImageDigests.digestOf(status.getImageID());
      if (digest == null) {
        return Optional.empty();
      }
      digests.put(status.getName(), digest);
    }
    // Init containers and sidecars that report what they ran are recorded too; one that never ran has nothing to say.
    for (ContainerStatus status : PodContainers.nullSafe(pod.getStatus().getInitContainerStatuses())) {
      String digest = ImageDigests.digestOf(status.getImageID());
      if (digest != null) {
        digests.put(status.getName(), digest);
      }
    }
    Map<String, String> configs = new HashMap<>();
    for (ConfigRef ref : ConfigRefs.of(pod)) {
      configs.put(ref.key(), configHashes.getOrDefault(ref.key(), ""));
    }
    return Optional.of(new Baseline(PodContainers.images(pod.getSpec()), digests, configs, now,
        PodContainers.specUnchangedSinceCreation(pod)));
  }
}
