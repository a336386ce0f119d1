package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.remediation.Remediator;
import dev.immutability.operator.remediation.ReplacementLedger;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Computes a policy's status from the pods it selects and what remediation did. A pure function. */
final class PolicyStatusBuilder {
  static final int MAX_RECENT_FINDINGS = 20;

  private PolicyStatusBuilder() {}

  static ImmutabilityPolicyStatus build(ImmutabilityPolicy policy, List<String> problems, List<Pod> selected,
      ReplacementLedger.Drained drained, Optional<ReplacementLedger.Blocked> blocked, Instant now) {
    ImmutabilityPolicySpec spec = policy.getSpec();
    ImmutabilityPolicyStatus previous = Optional.ofNullable(policy.getStatus()).orElseGet(ImmutabilityPolicyStatus::new);
    String name = policy.getMetadata().getName();
    Long generation = policy.getMetadata().getGeneration();
    List<Pod> drifted = driftedFor(name, selected);

    ImmutabilityPolicyStatus status = new ImmutabilityPolicyStatus();
    status.setObservedGeneration(generation);
    status.setMatchedPods(selected.size());
    status.setDriftedPods(drifted.size());
    status.setReplacedPods(previous.getReplacedPods() + drained.replaced());

    List<RecentFinding> recent = new ArrayList<>(previous.getRecentFindings());
    int toReplace = 0;
    for (Pod pod : drifted) {
      boolean replaceable = false;
      for (Finding finding : PodRecords.findings(pod)) {
        if (finding.policies().contains(name)) {
          boolean healed = Remediator.healedByReplacement(finding, policy);
          replaceable |= healed;
          upsert(recent, new RecentFinding(pod.getMetadata().getName(), finding.container(), finding.reason().name(),
              finding.message(), finding.detectedAt().toString(), healed ? pendingAction(spec) : "Recorded"));
        }
      }
      toReplace += replaceable ? 1 : 0;
    }
    drained.actions().forEach(action -> upsert(recent, action));
    recent.sort(Comparator.comparing(RecentFinding::getDetectedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    status.setRecentFindings(new ArrayList<>(recent.subList(0, Math.min(recent.size(), MAX_RECENT_FINDINGS))));
    status.setLastDriftTime(recent.stream().map(RecentFinding::getDetectedAt).filter(t -> t != null)
        .max(Comparator.naturalOrder()).orElse(previous.getLastDriftTime()));

    List<Condition> conditions = previous.getConditions();
    conditions = problems.isEmpty()
        ? Conditions.set(conditions, Conditions.READY, true, "Accepted",
            "policy accepted; selects " + selected.size() + " pod(s)", generation, now)
        : Conditions.set(conditions, Conditions.READY, false, "InvalidSpec", String.join("; ", problems), generation, now);
    conditions = drifted.isEmpty()
        ? Conditions.set(conditions, Conditions.COMPLIANT, true, "NoDrift",
            "none of " + selected.size() + " pod(s) drifted", generation, now)
        : Conditions.set(conditions, Conditions.COMPLIANT, false, "DriftDetected",
            drifted.size() + " of " + selected.size() + " pod(s) drifted", generation, now);
    String idle = idleReason(spec, toReplace == 0);
    conditions = idle == null
        ? Conditions.set(conditions, Conditions.REMEDIATING, true, "ReplacingPods",
            "replacing " + toReplace + " drifted pod(s)", generation, now)
        : Conditions.set(conditions, Conditions.REMEDIATING, false, idle, idleMessage(idle), generation, now);
    conditions = blocked.isPresent()
        ? Conditions.set(conditions, Conditions.DEGRADED, true, blocked.get().reason(),
            "pod " + blocked.get().pod() + ": " + blocked.get().message() + " (since " + blocked.get().since() + ")",
            generation, now)
        : Conditions.set(conditions, Conditions.DEGRADED, false, "AsExpected", "remediation is not blocked",
            generation, now);
    status.setConditions(conditions);
    return status;
  }

  /**
   * The pods drifted as far as this policy is concerned: with a finding that names it. Another policy's finding on
   * a pod both select counts for that policy only.
   */
  static List<Pod> driftedFor(String policy, List<Pod> selected) {
    return selected.stream().filter(pod -> PodRecords.isDrifted(pod)
        && PodRecords.findings(pod).stream().anyMatch(f -> f.policies().contains(policy))).toList();
  }

  private static String pendingAction(ImmutabilityPolicySpec spec) {
    if (!spec.getMode().replacesPods() || spec.getRemediation().getStrategy() == Strategy.None) {
      return "Recorded";
    }
    return spec.getRemediation().isDryRun() ? "WouldReplace" : "Pending";
  }

  private static String idleReason(ImmutabilityPolicySpec spec, boolean nothingToReplace) {
    if (nothingToReplace) {
      return "NothingToReplace";
    }
    if (!spec.getMode().replacesPods()) {
      return "AuditMode";
    }
    if (spec.getRemediation().getStrategy() == Strategy.None) {
      return "StrategyNone";
    }
    return spec.getRemediation().isDryRun() ? "DryRun" : null;
  }

  private static String idleMessage(String reason) {
    return switch (reason) {
      case "NothingToReplace" -> "no drifted pod that a replacement would heal";
      case "AuditMode" -> "mode Audit records drift and replaces nothing";
      case "StrategyNone" -> "remediation strategy None replaces nothing";
      default -> "dry run: drifted pods are reported, not replaced";
    };
  }

  /** Puts a finding in the list, replacing the entry for the same finding (its action may have moved on). */
  private static void upsert(List<RecentFinding> list, RecentFinding finding) {
    list.removeIf(existing -> existing.sameFindingAs(finding));
    list.add(finding);
  }
}
