package dev.immutability.operator.drift;

/** Reads the digest out of the image references kubelets and runtimes report. */
public final class ImageDigests {
  private ImageDigests() {}

  /**
   * The {@code sha256:...} digest of an imageID such as {@code docker.io/library/nginx@sha256:ab..},
   * {@code docker-pullable://nginx@sha256:ab..} or {@code sha256:ab..}; null when it carries none.
   */
  public static String digestOf(String imageId) {
    if (imageId == null || imageId.isBlank()) {
      return null;
    }
    int at = imageId.lastIndexOf('@');
    String candidate = at >= 0 ? imageId.substring(at + 1) : imageId;
    return candidate.matches("sha256:[0-9a-f]{64}") ? candidate : null;
  }
}
