package dev.immutability.operator.drift;

import java.util.Locale;

/**
 * An image reference in the form the runtime resolves it: {@code nginx} is {@code docker.io/library/nginx:latest},
 * so two spellings of one image compare equal.
 *
 * @param name registry and repository, e.g. {@code docker.io/library/nginx}
 * @param tag the tag, {@code latest} when neither tag nor digest is given; null when only a digest is given
 * @param digest {@code sha256:...}, or null
 */
public record ImageReference(String name, String tag, String digest) {
  private static final String DEFAULT_REGISTRY = "docker.io";

  public static ImageReference parse(String image) {
    String rest = image == null ? "" : image.strip();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(qualified(rest), tag, digest);
  }

  /** A first path component with a dot or a port, or {@code localhost}, names a registry (Docker's rule). */
  private static String qualified(String repository) {
    int slash = repository.indexOf('/');
    String first = slash < 0 ? "" : repository.substring(0, slash);
    boolean hasRegistry = first.contains(".") || first.contains(":") || first.equals("localhost");
    if (hasRegistry) {
      return first.toLowerCase(Locale.ROOT) + repository.substring(slash);
    }
    return DEFAULT_REGISTRY + "/" + (slash < 0 ? "library/" : "") + repository;
  }

  /**
   * Whether two references name the same image: same repository, and the digests agree where both have one and
   * the tags agree where both have one. {@code repo:tag} and {@code repo:tag@sha256:..} are the same image;
   * {@code repo:tag} and {@code repo@sha256:..} cannot be told apart without a registry, so they are not.
   */
  public boolean sameImageAs(ImageReference other) {
    if (!name.equals(other.name)) {
      return false;
    }
    boolean digestsCompared = digest != null && other.digest != null;
    boolean tagsCompared = tag != null && other.tag != null;
    return (digestsCompared || tagsCompared)
        && (!digestsCompared || digest.equals(other.digest))
        && (!tagsCompared || tag.equals(other.tag));
  }

  public static boolean same(String a, String b) {
    return parse(a).sameImageAs(parse(b));
  }
}
