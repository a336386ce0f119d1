package dev.immutability.operator.api;

/** How a drifted pod is replaced. */
public enum Strategy {
  /** Eviction API, so PodDisruptionBudgets hold. */
  Evict,
  /** Plain delete. */
  Delete,
  /**
   * Ask the pod's Deployment, StatefulSet or DaemonSet to roll (as {@code kubectl rollout restart} does), so the
   * controller replaces its pods with its own strategy; other pods are evicted.
   */
  RolloutRestart,
  /** Never replace; report only. */
  None
}
