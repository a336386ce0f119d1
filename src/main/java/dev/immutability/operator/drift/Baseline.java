package dev.immutability.operator.drift;

import java.time.Instant;
import java.util.Map;

/**
 * What a pod was the first time it was seen running: the image each container ran, the digest it ran, and a
 * content hash of each ConfigMap and Secret it consumed (hashes only, never data).
 *
 * @param images image per container name (init containers included), as the pod's spec named them
 * @param configs hash per {@link ConfigRef#key()}; an empty string for an object that did not exist then
 * @param imagesAsAdmitted the pod's spec had not been updated since creation when the baseline was taken, so
 *     {@code images} are the images as admission let them in (after any mutating webhook); false in baselines
 *     recorded before this was known
 * @param selectedBy the policies that selected the pod then, with their generation: while such a policy is
 *     unchanged it keeps governing the pod even if someone edits the pod's labels out of its selector
 */
public record Baseline(Map<String, String> images, Map<String, String> imageDigests, Map<String, String> configs,
    Instant recordedAt, boolean imagesAsAdmitted, Map<String, Long> selectedBy) {

  public Baseline {
    images = Map.copyOf(images);
    imageDigests = Map.copyOf(imageDigests);
    configs = Map.copyOf(configs);
    selectedBy = selectedBy == null ? Map.of() : Map.copyOf(selectedBy);
  }

  public Baseline(Map<String, String> images, Map<String, String> imageDigests, Map<String, String> configs,
      Instant recordedAt, boolean imagesAsAdmitted) {
    this(images, imageDigests, configs, recordedAt, imagesAsAdmitted, Map.of());
  }

  public Baseline(Map<String, String> images, Map<String, String> imageDigests, Map<String, String> configs,
      Instant recordedAt) {
    this(images, imageDigests, configs, recordedAt, false);
  }

  /** The same baseline, noting which policies (and generations) selected the pod when it was taken. */
  public Baseline selectedBy(Map<String, Long> policies) {
    return new Baseline(images, imageDigests, configs, recordedAt, imagesAsAdmitted, policies);
  }
}
