package dev.immutability.operator.drift;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The containers of a pod spec that run the workload: containers, init containers and native sidecars alike. */
public final class PodContainers {
  private PodContainers() {}

  /** Containers first, then init containers (restartable ones are sidecars); names are unique across both. */
  public static List<Container> of(PodSpec spec) {
    if (spec == null) {
      return List.of();
    }
    List<Container> all = new ArrayList<>(nullSafe(spec.getContainers()));
    all.addAll(nullSafe(spec.getInitContainers()));
    return all;
  }

  /** The image per container name, init containers included, e.g. of an owner's pod template. */
  public static Map<String, String> images(PodSpec spec) {
    return of(spec).stream()
        .collect(Collectors.toMap(Container::getName, c -> String.valueOf(c.getImage()), (a, b) -> a));
  }

  /**
   * Whether the pod's spec is still as admission created it: the API server starts a pod's generation at 1 and
   * raises it on every spec update. Unknown (no generation) counts as changed, the cautious answer.
   */
  public static boolean specUnchangedSinceCreation(Pod pod) {
    Long generation = pod.getMetadata().getGeneration();
    return generation != null && generation == 1L;
  }

  static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
