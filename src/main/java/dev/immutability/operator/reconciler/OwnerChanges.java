package dev.immutability.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/** Which updates of a pod's owner (ReplicaSet, StatefulSet, DaemonSet, Job) can change how its pods are evaluated. */
final class OwnerChanges {
  private OwnerChanges() {}

  /**
   * True when the spec (generation), labels or annotations changed: the template and the Deployment revision a
   * ReplicaSet carries in an annotation are what declared state reads. A status-only write (the owner counting
   * its available pods) changes none of it; it can only free a slot of maxUnavailable, which wakes just the pods
   * waiting for one.
   */
  static boolean concernPods(HasMetadata updated, HasMetadata previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(updated.getMetadata().getLabels(), previous.getMetadata().getLabels())
        || !Objects.equals(updated.getMetadata().getAnnotations(), previous.getMetadata().getAnnotations());
  }
}
