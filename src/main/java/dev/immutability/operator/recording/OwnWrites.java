package dev.immutability.operator.recording;

import dev.immutability.operator.runtime.BoundedMaps;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;

/**
 * The pod versions the pod reconciler wrote itself (records after an evaluation). Their watch events carry
 * nothing it does not know already, so they are not evaluated again: at start-up that halves the evaluations of
 * ten thousand baselines. Anyone else's write, including the webhook's records of a session, is evaluated.
 */
public final class OwnWrites {
  private static final int MAX_REMEMBERED = 50_000;
  /** Written version → the version it was written on. */
  private final Map<String, String> versions = BoundedMaps.lru(MAX_REMEMBERED);

  public void wrote(String base, ObjectMeta result) {
    versions.put(key(result), base);
  }

  /**
   * True, once, for an update from the version a write was made on to the version it made: nothing but that write
   * lies between them. An update that spans more (a re-list after a lost watch) is evaluated.
   */
  public boolean consume(Pod updated, Pod previous) {
    String base = versions.remove(key(updated.getMetadata()));
    return base != null && base.equals(previous.getMetadata().getResourceVersion());
  }

  private static String key(ObjectMeta pod) {
    return pod.getUid() + "@" + pod.getResourceVersion();
  }
}
