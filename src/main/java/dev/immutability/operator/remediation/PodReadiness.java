package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.Pod;

/** Where a pod is in its life: terminating, finished, or serving (Ready). */
public final class PodReadiness {
  private PodReadiness() {}

  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** A pod whose containers ran to completion (a Job's) runs nothing that could drift. */
  public static boolean hasFinished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public static boolean isReady(Pod pod) {
    return !isTerminating(pod) && pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
