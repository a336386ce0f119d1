package dev.immutability.operator.recording;

import dev.immutability.operator.runtime.BoundedMaps;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collections;
import java.util.Set;

/**
 * The pod versions the pod reconciler wrote itself (records after an evaluation). Their watch events carry
 * nothing it does not know already, so they are not evaluated again: at start-up that halves the evaluations of
 * ten thousand baselines. Anyone else's write, including the webhook's records of a session, is evaluated.
 */
public final class OwnWrites {
  private static final int MAX_REMEMBERED = 50_000;
  private final Set<String> versions = Collections.synchronizedSet(BoundedMaps.lruSet(MAX_REMEMBERED));

  public void wrote(Pod result) {
    versions.add(key(result));
  }

  /** True, once, for a version written by {@link #wrote}. */
  public boolean consume(Pod pod) {
    return versions.remove(key(pod));
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getUid() + "@" + pod.getMetadata().getResourceVersion();
  }
}
