package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityPolicy;
import java.util.Objects;

/** Which updates of a policy can change how its pods are evaluated. */
final class PolicyChanges {
  private PolicyChanges() {}

  /**
   * True when the spec changed: the API server moves the generation on spec changes only, never on status or
   * metadata writes (so the operator's own status updates re-evaluate nothing). The selector is compared too, so a
   * selector change re-evaluates the pods even if the generation were not tracked.
   */
  static boolean concernPods(ImmutabilityPolicy updated, ImmutabilityPolicy previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(selector(updated), selector(previous));
  }

  private static Object selector(ImmutabilityPolicy policy) {
    return policy.getSpec() == null ? null : policy.getSpec().getSelector();
  }
}
