package dev.immutability.operator.remediation;

import java.time.Duration;
import java.util.Optional;

/** What remediation did for one drifted pod, and when to look at the pod again. */
public record RemediationOutcome(Action action, String message, Duration retryAfter) {

  public enum Action {
    /** Nothing to do: no replacement asked for, or the findings do not call for one. */
    None,
    /** The pod would be replaced, but the policy is a dry run. */
    WouldReplace,
    /** Waiting: the exec grace period, or maxUnavailable replacements already in flight. */
    Waiting,
    /** The replacement was started (eviction accepted, or pod deleted). */
    Started,
    /** The replacement was refused (PodDisruptionBudget, API error) and will be retried with backoff. */
    Blocked
  }

  public static RemediationOutcome none() {
    return new RemediationOutcome(Action.None, "", null);
  }

  public Optional<Duration> retry() {
    return Optional.ofNullable(retryAfter);
  }
}
