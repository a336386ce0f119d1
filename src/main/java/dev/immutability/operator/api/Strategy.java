package dev.immutability.operator.api;

/** How a drifted pod is replaced. */
public enum Strategy {
  /** Eviction API, so PodDisruptionBudgets hold. */
  Evict,
  /** Plain delete. */
  Delete,
  /** Never replace; report only. */
  None
}
