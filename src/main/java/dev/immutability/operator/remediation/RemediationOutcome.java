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
    /** The replacement was started: eviction accepted, or pod deleted. */
    Started,
    /** The pod's workload was asked to roll out its pods again; the rollout replaces it in its turn. */
    RolloutRestarted,
    /** The replacement was refused (PodDisruptionBudget, API error) and will be retried with backoff. */
    Blocked
  }

  public static RemediationOutcome none() {
    return new RemediationOutcome(Action.None, "", null);
  }

  /** The pod is on its way out (evicted or deleted), so records written on it would be gone with it in moments. */
  public boolean podLeaving() {
    return action == Action.Started;
  }

  public Optional<Duration> retry() {
    return Optional.ofNullable(retryAfter);
  }
}
