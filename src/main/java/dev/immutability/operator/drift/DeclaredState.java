package dev.immutability.operator.drift;

import java.util.Map;

/**
 * What a pod should be, as read from the cluster at the edge: the images its owner's template declares, the
 * pod's baseline, and the current content hashes of the ConfigMaps and Secrets it consumes.
 *
 * @param templateImages image per container name from the owner's pod template; empty for a pod with no owner
 * @param baseline the recorded baseline, or null when none was recorded yet
 * @param configHashes current hash per {@link ConfigRef#key()}; absent when the object does not exist
 */
public record DeclaredState(Map<String, String> templateImages, Baseline baseline, Map<String, String> configHashes) {

  public DeclaredState {
    templateImages = Map.copyOf(templateImages);
    configHashes = Map.copyOf(configHashes);
  }

  public boolean hasOwnerTemplate() {
    return !templateImages.isEmpty();
  }
}
