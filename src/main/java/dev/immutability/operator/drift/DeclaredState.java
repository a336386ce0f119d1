package dev.immutability.operator.drift;

import java.util.Map;

/**
 * What a pod should be, as read from the cluster at the edge: the images its owner declares for it, the pod's
 * baseline, the current content hashes of the ConfigMaps and Secrets it consumes, and where its owner is.
 *
 * @param templateImages image per container name (init containers included) that the owner declares for this
 *     pod: a ReplicaSet's or Job's template, or the ControllerRevision a StatefulSet or DaemonSet pod was made
 *     from; empty for a pod with no owner, or an owner whose declaration is not known
 * @param baseline the recorded baseline, or null when none was recorded yet
 * @param configHashes current hash per {@link ConfigRef#key()}; absent when the object does not exist
 * @param ownerKind kind of the pod's controller, or null for a bare pod
 * @param rollingOut the owner is replacing this pod with a newer revision (a Deployment pod whose ReplicaSet is
 *     no longer the newest): drift its rollout heals anyway is left to it
 */
public record DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes,
    String ownerKind, boolean rollingOut) {

  public DeclaredState {
    templateImages = Map.copyOf(templateImages);
    configHashes = Map.copyOf(configHashes);
  }

  public DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes) {
    this(templateImages, baseline, configHashes, templateImages.isEmpty() ? null : "ReplicaSet", false);
  }

  public boolean hasOwnerTemplate() {
    return !templateImages.isEmpty();
  }
}
