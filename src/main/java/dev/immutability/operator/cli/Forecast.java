package dev.immutability.operator.cli;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.remediation.Remediator;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the operator will do about one finding, and when, in words: the remediator's own rules (which findings a
 * replacement heals, which pods are never replaced, the exec grace period) and the exceptions that hold it.
 * A pure function.
 */
final class Forecast {
  private Forecast() {}

  static String of(Finding finding, Pod pod, ImmutabilityPolicy governing, List<ImmutabilityException> exceptions,
      Instant now) {
    String name = governing.getMetadata().getName();
    Remediation remediation = governing.getSpec().getRemediation();
    if (!finding.policies().contains(name)) {
      return "recorded for " + String.join(", ", finding.policies()) + "; not replaced: the governing policy " + name
          + " does not look for it";
    }
    if (!governing.getSpec().getMode().replacesPods()) {
      return "recorded only (mode Audit)";
    }
    if (remediation.getStrategy() == Strategy.None) {
      return "recorded only (remediation.strategy None)";
    }
    if (!Remediator.healedByReplacement(finding, governing)) {
      return finding.unauthenticated()
          ? "recorded only: heard without the API server's client certificate (remediation.replaceOnUnauthenticatedSessions is off)"
          : "recorded only: a replacement would have it too (only Enforce with rootFilesystem.mutate heals it)";
    }
    Optional<String> never = Remediator.notReplaceable(pod, remediation, true);
    if (never.isPresent()) {
      return "recorded only: " + never.get();
    }
    String action = remediation.isDryRun() ? "would be replaced (dry run)" : "replaced by " + remediation.getStrategy();
    Optional<ImmutabilityException> holding = exceptions.stream().filter(e -> e.covers(finding.reason().name(), now))
        .max(Comparator.comparing(ImmutabilityException::effectiveExpiry));
    if (holding.isPresent()) {
      Instant until = holding.get().effectiveExpiry();
      return "held by exception " + holding.get().getMetadata().getName() + " until " + at(until) + " (in "
          + Ages.between(now, until) + "), then " + action;
    }
    Instant due = Remediator.dueAt(finding, remediation.execGrace());
    if (now.isBefore(due)) {
      return action + " at " + at(due) + " (in " + Ages.between(now, due) + ", after the execGracePeriod of "
          + remediation.getExecGracePeriod() + ")";
    }
    return action + " now, as the budget allows";
  }

  static String at(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
