package dev.immutability.operator.remediation;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops replacements that do not heal. When a pod of an owner that did not exist at the owner's last replacement
 * for a (reason, container) shows that same drift again within the loop window, the replacement reproduces the drift
 * (a mutating webhook, a digest the template cannot satisfy, a rule that fires on every fresh pod): that owner's
 * pods are not replaced for it until a backoff has passed. Then one more replacement is allowed; if it loops
 * again the backoff doubles. Kept in memory: a restarted operator tries once more before it stops again.
 */
final class LoopGuard {
  static final Duration MAX_BACKOFF = Duration.ofHours(24);
  private static final Duration RETENTION = MAX_BACKOFF.multipliedBy(2);

  /** What the guard says about one finding of one pod. */
  enum Verdict { Replace, LoopDetected, Suppressed }

  record Decision(Verdict verdict, Instant retryAt) {}

  private record Key(String owner, DriftReason reason, String container) {}

  private static final class State {
    Instant lastReplacement;
    Set<String> podsBefore = Set.of();
    Instant loopCountedFor;
    Instant suppressedUntil;
    int loops;
  }

  private final Map<Key, State> states = new ConcurrentHashMap<>();

  /**
   * The owner's pod was replaced now for these findings; podsBefore are the UIDs of the owner's pods just before,
   * so any other pod is the replacement or came after it. (Creation times have whole seconds: too coarse.)
   */
  void replaced(String owner, Set<String> podsBefore, List<Finding> findings, Instant now) {
    prune(now);
    for (Finding finding : findings) {
      State state = states.computeIfAbsent(key(owner, finding), k -> new State());
      synchronized (state) {
        state.lastReplacement = now;
        state.podsBefore = Set.copyOf(podsBefore);
      }
    }
  }

  /**
   * Whether a pod of the owner may be replaced for this finding. The backoff starts at the loop window: a retry
   * sooner would only be seen looping again.
   */
  Decision check(String owner, String podUid, Finding finding, Duration window, Instant now) {
    State state = states.get(key(owner, finding));
    if (state == null || state.lastReplacement == null) {
      return new Decision(Verdict.Replace, null);
    }
    synchronized (state) {
      if (state.suppressedUntil != null && now.isBefore(state.suppressedUntil)) {
        return new Decision(Verdict.Suppressed, state.suppressedUntil);
      }
      boolean createdSince = !state.podsBefore.contains(podUid);
      boolean withinWindow = !finding.detectedAt().isAfter(state.lastReplacement.plus(window));
      if (createdSince && withinWindow && !state.lastReplacement.equals(state.loopCountedFor)) {
        state.loops++;
        state.loopCountedFor = state.lastReplacement;
        Duration backoff = window.multipliedBy(1L << Math.min(state.loops - 1, 20));
        state.suppressedUntil = now.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
        return new Decision(Verdict.LoopDetected, state.suppressedUntil);
      }
      return new Decision(Verdict.Replace, null);
    }
  }

  /** Forgets owners not replaced for long and not held back: owners come and go with every rollout. */
  private void prune(Instant now) {
    states.values().removeIf(s -> s.lastReplacement != null && s.lastReplacement.plus(RETENTION).isBefore(now)
        && (s.suppressedUntil == null || s.suppressedUntil.isBefore(now)));
  }

  private static Key key(String owner, Finding finding) {
    return new Key(owner, finding.reason(), Objects.toString(finding.container(), ""));
  }
}
