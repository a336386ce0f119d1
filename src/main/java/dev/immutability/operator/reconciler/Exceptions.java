package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.drift.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which findings active exceptions hold back from remediation, and until when. A pure function. */
final class Exceptions {
  private Exceptions() {}

  /**
   * @param actionable findings no active exception covers
   * @param until when the earliest exception holding a finding expires; empty when none holds any
   */
  record Held(List<Finding> actionable, Optional<Instant> until) {}

  static Held hold(List<Finding> findings, List<ImmutabilityException> exceptions, Instant now) {
    List<Finding> actionable = new ArrayList<>();
    Instant until = null;
    for (Finding finding : findings) {
      Optional<Instant> expiry = exceptions.stream()
          .filter(e -> e.covers(finding.reason().name(), now))
          .map(ImmutabilityException::effectiveExpiry).max(Instant::compareTo);
      if (expiry.isEmpty()) {
        actionable.add(finding);
      } else if (until == null || expiry.get().isBefore(until)) {
        until = expiry.get();
      }
    }
    return new Held(List.copyOf(actionable), Optional.ofNullable(until));
  }
}
