package dev.immutability.operator.drift;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One piece of drift on one pod.
 *
 * @param container the container concerned, or null for the pod as a whole
 * @param policies names of the policies that look for this drift on the pod (filled in by the caller)
 */
public record Finding(DriftReason reason, String container, String message, Instant detectedAt,
    List<String> policies) {

  public Finding {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(detectedAt, "detectedAt");
    policies = policies == null ? List.of() : List.copyOf(policies);
  }

  public static Finding of(DriftReason reason, String container, String message, Instant detectedAt) {
    return new Finding(reason, container, message, detectedAt, List.of());
  }

  /** Findings with the same key describe the same drift, whenever and by whichever policy they were seen. */
  public String key() {
    return reason + "|" + Objects.toString(container, "") + "|" + message;
  }

  public Finding withPolicies(List<String> names) {
    TreeSet<String> merged = new TreeSet<>(policies);
    merged.addAll(names);
    return new Finding(reason, container, message, detectedAt, List.copyOf(merged));
  }

  public Finding withDetectedAt(Instant when) {
    return new Finding(reason, container, message, when, policies);
  }
}
