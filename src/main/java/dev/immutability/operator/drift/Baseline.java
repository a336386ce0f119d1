package dev.immutability.operator.drift;

import java.time.Instant;
import java.util.Map;

/**
 * What a pod was the first time it was seen running: the image each container ran, the digest it ran, and a
 * content hash of each ConfigMap and Secret it consumed (hashes only, never data).
 *
 * @param configs hash per {@link ConfigRef#key()}; an empty string for an object that did not exist then
 */
public record Baseline(Map<String, String> images, Map<String, String> imageDigests, Map<String, String> configs,
    Instant recordedAt) {

  public Baseline {
    images = Map.copyOf(images);
    imageDigests = Map.copyOf(imageDigests);
    configs = Map.copyOf(configs);
  }
}
