package dev.immutability.operator.recording;

import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.runtime.BoundedMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's own copy of the event-like findings (exec, attach, runtime alerts) on each pod, kept where the
 * people it watches cannot write: nothing on a pod's state shows them, so an erased one is known only from here.
 * Bounded: the pods seen longest ago are forgotten first.
 */
public final class EventFindingMemory {
  static final int MAX_PODS = 50_000;

  private final Map<String, List<Finding>> byPodUid = BoundedMaps.lru(MAX_PODS);

  public synchronized void remember(String podUid, Finding finding) {
    List<Finding> findings = new ArrayList<>(byPodUid.getOrDefault(podUid, List.of()));
    if (findings.stream().noneMatch(f -> f.key().equals(finding.key()))) {
      findings.add(finding);
      byPodUid.put(podUid, List.copyOf(findings));
    }
  }

  /** Remembers the event-like findings the pod carries now. */
  public synchronized void rememberAll(String podUid, List<Finding> findings) {
    List<Finding> events = findings.stream().filter(f -> f.reason().isEvent()).toList();
    if (events.isEmpty()) {
      byPodUid.remove(podUid);
    } else {
      byPodUid.put(podUid, events);
    }
  }

  /** Remembered findings the pod's records no longer hold: someone erased them. */
  public synchronized List<Finding> erasedFrom(String podUid, List<Finding> recorded) {
    return byPodUid.getOrDefault(podUid, List.of()).stream()
        .filter(f -> recorded.stream().noneMatch(r -> r.key().equals(f.key()))).toList();
  }
}
