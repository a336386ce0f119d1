package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.Pod;

/** Whether a pod serves: not terminating, and its Ready condition is True. */
public final class PodReadiness {
  private PodReadiness() {}

  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  public static boolean isReady(Pod pod) {
    return !isTerminating(pod) && pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
