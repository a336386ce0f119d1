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
 * @param unkeyedConfigHashes the unkeyed whole-object hash per {@link ConfigRef#objectKey()}, for baselines
 *     recorded before hashes were keyed ({@code sha256:...})
 */
public record DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes,
    String ownerKind, boolean rollingOut, Map<String, String> unkeyedConfigHashes) {
  private static final String LEGACY_PREFIX = "sha256:";

  public DeclaredState {
    templateImages = Map.copyOf(templateImages);
    configHashes = Map.copyOf(configHashes);
    unkeyedConfigHashes = Map.copyOf(unkeyedConfigHashes);
  }

  public DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes,
      String ownerKind, boolean rollingOut) {
    this(templateImages, baseline, configHashes, ownerKind, rollingOut, Map.of());
  }

  public DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes) {
    this(templateImages, baseline, configHashes, templateImages.isEmpty() ? null : "ReplicaSet", false);
  }

  /** The current hash to compare a recorded one with: unkeyed where a baseline recorded it so. */
  String currentConfigHash(String key, String recorded) {
    if (recorded.startsWith(LEGACY_PREFIX) && unkeyedConfigHashes.containsKey(key)) {
      return unkeyedConfigHashes.get(key);
    }
    return configHashes.getOrDefault(key, "");
  }


  public boolean hasOwnerTemplate() {
    return !templateImages.isEmpty();
  }
}
