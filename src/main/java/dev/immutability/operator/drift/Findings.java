package dev.immutability.operator.drift;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Combines what a pod already records with what was found now. */
public final class Findings {
  private Findings() {}

  /**
   * The pod's findings after an evaluation: event-like findings already recorded stay (nothing on the pod says a
   * session is over); state findings are exactly those detected now, keeping the time they were first detected.
   * Findings with one key from several policies become one finding naming every policy.
   */
  public static List<Finding> merge(List<Finding> recorded, List<Finding> detected) {
    Map<String, Finding> previous = recorded.stream()
        .collect(Collectors.toMap(Finding::key, f -> f, (a, b) -> a.withPolicies(b.policies()), LinkedHashMap::new));
    Map<String, Finding> merged = new LinkedHashMap<>();
    previous.values().stream().filter(f -> f.reason().isEvent()).forEach(f -> merged.put(f.key(), f));
    for (Finding finding : detected) {
      Finding earlier = merged.containsKey(finding.key()) ? merged.get(finding.key()) : previous.get(finding.key());
      Finding kept = earlier == null ? finding : finding.withDetectedAt(earlier.detectedAt());
      merged.merge(finding.key(), kept, (a, b) -> a.withPolicies(b.policies()));
    }
    List<Finding> result = new ArrayList<>(merged.values());
    result.sort(Comparator.comparing(Finding::detectedAt).thenComparing(Finding::key));
    return capped(result);
  }

  /** At most this many event-like findings of one reason stay on a pod (the newest): one is enough to replace it. */
  public static final int MAX_EVENTS_PER_REASON = 10;

  /** The pod's findings with one more event-like finding, unless it is recorded already; null when it is. */
  public static List<Finding> withEvent(List<Finding> findings, Finding event) {
    if (findings.stream().anyMatch(f -> f.key().equals(event.key()))) {
      return null;
    }
    List<Finding> added = new ArrayList<>(findings);
    added.add(event);
    added.sort(Comparator.comparing(Finding::detectedAt).thenComparing(Finding::key));
    return capped(added);
  }

  /** Drops the oldest event-like findings of a reason beyond {@link #MAX_EVENTS_PER_REASON}; keeps the order. */
  private static List<Finding> capped(List<Finding> sorted) {
    Map<DriftReason, Integer> newer = new EnumMap<>(DriftReason.class);
    List<Finding> kept = new ArrayList<>();
    for (int i = sorted.size() - 1; i >= 0; i--) {
      Finding finding = sorted.get(i);
      if (!finding.reason().isEvent() || newer.merge(finding.reason(), 1, Integer::sum) <= MAX_EVENTS_PER_REASON) {
        kept.add(0, finding);
      }
    }
    return kept;
  }

  /**
   * The findings as far as the given policies are concerned: names of other policies (deleted, or no longer
   * selecting the pod) are dropped, and so are findings no remaining policy names.
   */
  public static List<Finding> retainPolicies(List<Finding> findings, Collection<String> policies) {
    List<Finding> kept = new ArrayList<>();
    for (Finding finding : findings) {
      List<String> names = finding.policies().stream().filter(policies::contains).toList();
      if (!names.isEmpty()) {
        kept.add(finding.namingOnly(names));
      }
    }
    return kept;
  }

  /** The findings that name the policy: the drift it looks for itself. */
  public static List<Finding> namingPolicy(List<Finding> findings, String policy) {
    return findings.stream().filter(f -> f.policies().contains(policy)).toList();
  }

  /** True when both lists hold the same findings (same keys and policies), whatever their order. */
  public static boolean same(List<Finding> a, List<Finding> b) {
    return signature(a).equals(signature(b));
  }

  /** The findings of {@code now} that {@code before} did not have. */
  public static List<Finding> added(List<Finding> before, List<Finding> now) {
    Set<String> known = before.stream().map(Finding::key).collect(Collectors.toSet());
    return now.stream().filter(f -> !known.contains(f.key())).toList();
  }

  private static Set<String> signature(List<Finding> findings) {
    return findings.stream().map(f -> f.key() + "|" + f.policies()).collect(Collectors.toSet());
  }
}
