package dev.immutability.operator.remediation;

import java.time.Duration;
import java.util.Optional;

/**
 * What remediation did for one drifted pod, and when to look at the pod again; {@code recordsDeferred}: the pod's
 * replacement is due and only waits its turn, so its records are written later (or never, if it is replaced first).
 */
public record RemediationOutcome(Action action, String message, Duration retryAfter, boolean recordsDeferred) {

  public enum Action {
    /** Nothing to do: no replacement asked for, or the findings do not call for one. */
    None,
    /** The pod would be replaced, but the policy is a dry run. */
    WouldReplace,
    /** Waiting: the exec grace period, the rollout the pod is part of, or the cluster-wide rate. */
    Waiting,
    /** Waiting for a slot of maxUnavailable; woken as soon as one frees. */
    Queued,
    /** The replacement was started: eviction accepted, or pod deleted. */
    Started,
    /** The pod's workload was asked to roll out its pods again; the rollout replaces it in its turn. */
    RolloutRestarted,
    /** The replacement was refused (PodDisruptionBudget, API error) and will be retried with backoff. */
    Blocked
  }

  public RemediationOutcome(Action action, String message, Duration retryAfter) {
    this(action, message, retryAfter, false);
  }

  public static RemediationOutcome none() {
    return new RemediationOutcome(Action.None, "", null);
  }

  public Optional<Duration> retry() {
    return Optional.ofNullable(retryAfter);
  }
}
