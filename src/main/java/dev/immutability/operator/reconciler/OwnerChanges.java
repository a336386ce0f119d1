package dev.immutability.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/** Which updates of a pod's owner (ReplicaSet, StatefulSet, DaemonSet, Job) can change how its pods are evaluated. */
final class OwnerChanges {
  private static final List<String> SCALE_ANNOTATIONS =
      List.of("deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas");

  private OwnerChanges() {}

  /**
   * True when what declared state reads changed: the pod template, the update strategy, labels, or annotations
   * (a ReplicaSet carries its Deployment revision in one). Scaling and status writes change none of it: they can
   * only free a slot of maxUnavailable, which wakes just the pods waiting for one. During a rollout the owners are
   * scaled step by step; re-evaluating all their pods at each step would cost more than the rollout itself.
   */
  static boolean concernPods(HasMetadata updated, HasMetadata previous) {
    return !Objects.equals(updated.getMetadata().getLabels(), previous.getMetadata().getLabels())
        || !Objects.equals(annotations(updated), annotations(previous))
        || !Objects.equals(declaring(updated), declaring(previous));
  }

  /** Without the replica counts the Deployment controller copies onto its ReplicaSets at every scale. */
  private static Map<String, String> annotations(HasMetadata owner) {
    Map<String, String> annotations = new HashMap<>(Optional.ofNullable(owner.getMetadata().getAnnotations())
        .orElse(Map.of()));
    SCALE_ANNOTATIONS.forEach(annotations::remove);
    return annotations;
  }

  /** The parts of the owner's spec that declare its pods; for a kind not known here, its generation. */
  private static Object declaring(HasMetadata owner) {
    if (owner instanceof ReplicaSet rs) {
      return rs.getSpec() == null ? null : rs.getSpec().getTemplate();
    }
    if (owner instanceof StatefulSet sts) {
      return sts.getSpec() == null ? null : Arrays.asList(sts.getSpec().getTemplate(),
          sts.getSpec().getUpdateStrategy());
    }
    if (owner instanceof DaemonSet ds) {
      return ds.getSpec() == null ? null : Arrays.asList(ds.getSpec().getTemplate(),
          ds.getSpec().getUpdateStrategy());
    }
    if (owner instanceof Job job) {
      return job.getSpec() == null ? null : job.getSpec().getTemplate();
    }
    return owner.getMetadata().getGeneration();
  }
}
