package dev.immutability.operator.remediation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Optional;

/** How many pods an owner wants and how many of them are available, as the owner's status says. */
public record OwnerAvailability(int wanted, int available) {

  /** For a ReplicaSet, StatefulSet or DaemonSet; empty for kinds whose status does not say. */
  public static Optional<OwnerAvailability> of(HasMetadata owner) {
    if (owner instanceof ReplicaSet rs) {
      return Optional.of(new OwnerAvailability(orOne(rs.getSpec().getReplicas()),
          rs.getStatus() == null ? 0 : orZero(rs.getStatus().getAvailableReplicas())));
    }
    if (owner instanceof StatefulSet sts) {
      return Optional.of(new OwnerAvailability(orOne(sts.getSpec().getReplicas()),
          sts.getStatus() == null ? 0 : orZero(sts.getStatus().getAvailableReplicas())));
    }
    if (owner instanceof DaemonSet ds) {
      return Optional.of(ds.getStatus() == null ? new OwnerAvailability(0, 0)
          : new OwnerAvailability(orZero(ds.getStatus().getDesiredNumberScheduled()),
              orZero(ds.getStatus().getNumberAvailable())));
    }
    return Optional.empty();
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
