package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How many pods an owner wants and how many of them are available, as the owner's status says, and how long a pod
 * must have been ready to count as available.
 */
public record OwnerAvailability(int wanted, int available, int minReadySeconds) {

  public OwnerAvailability(int wanted, int available) {
    this(wanted, available, 0);
  }

  /** For a ReplicaSet, StatefulSet or DaemonSet; empty for kinds whose status does not say. */
  public static Optional<OwnerAvailability> of(HasMetadata owner) {
    if (owner instanceof ReplicaSet rs) {
      return Optional.of(new OwnerAvailability(orOne(rs.getSpec().getReplicas()),
          rs.getStatus() == null ? 0 : orZero(rs.getStatus().getAvailableReplicas()),
          orZero(rs.getSpec().getMinReadySeconds())));
    }
    if (owner instanceof StatefulSet sts) {
      return Optional.of(new OwnerAvailability(orOne(sts.getSpec().getReplicas()),
          sts.getStatus() == null ? 0 : orZero(sts.getStatus().getAvailableReplicas()),
          orZero(sts.getSpec().getMinReadySeconds())));
    }
    if (owner instanceof DaemonSet ds) {
      int minReadySeconds = ds.getSpec() == null ? 0 : orZero(ds.getSpec().getMinReadySeconds());
      return Optional.of(ds.getStatus() == null ? new OwnerAvailability(0, 0, minReadySeconds)
          : new OwnerAvailability(orZero(ds.getStatus().getDesiredNumberScheduled()),
              orZero(ds.getStatus().getNumberAvailable()), minReadySeconds));
    }
    return Optional.empty();
  }

  /** Ready, and for at least minReadySeconds: what the owner's controller counts as available. */
  public boolean isAvailable(Pod pod, Instant now) {
    if (!PodReadiness.isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
        .map(PodCondition::getLastTransitionTime).filter(Objects::nonNull).findFirst().map(Instant::parse)
        .map(since -> !since.plusSeconds(minReadySeconds).isAfter(now)).orElse(false);
  }

  public int missing() {
    return Math.max(0, wanted - available);
  }

  public boolean recovered() {
    return available >= wanted;
  }

  private static int orOne(Integer value) {
    return value == null ? 1 : value;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
