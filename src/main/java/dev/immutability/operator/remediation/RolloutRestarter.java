package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.runtime.BoundedMaps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * Strategy RolloutRestart: has the pod's Deployment, StatefulSet or DaemonSet roll its pods, as
 * {@code kubectl rollout restart} does, by writing the time into the pod template's
 * {@code kubectl.kubernetes.io/restartedAt} annotation. A pod created before that time is already being rolled,
 * so it waits instead of restarting the workload again; the state is in the template, so a restarted operator
 * does the same. The write carries the resourceVersion read, so two pods of one workload cannot both restart it.
 * The last restart of each workload is also kept here, so that its other pods wait without reading it again.
 */
final class RolloutRestarter {
  static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  /** The workload to restart. */
  record Workload(String kind, String namespace, String name, String uid) {
    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  /** What the workload's template says: when it was last restarted (if ever), and the version read. */
  record Restarts(Optional<Instant> restartedAt, String resourceVersion) {}

  private static final int LOCK_STRIPES = 64;
  private static final int WORKLOADS_REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final ClusterView view;
  private final Map<String, Instant> lastRestarts =
      Collections.synchronizedMap(BoundedMaps.lru(WORKLOADS_REMEMBERED));
  private final Object[] locks = new Object[LOCK_STRIPES];

  RolloutRestarter(KubernetesClient client, ClusterView view) {
    this.client = client;
    this.view = view;
    Arrays.setAll(locks, i -> new Object());
  }

  /** Held while a workload's restart is read and written, so its pods restart it once. */
  Object lock(Workload workload) {
    return locks[Math.floorMod(workload.uid().hashCode(), LOCK_STRIPES)];
  }

  Optional<Instant> lastRestart(Workload workload) {
    return Optional.ofNullable(lastRestarts.get(workload.uid()));
  }

  void remember(Workload workload, Instant restartedAt) {
    lastRestarts.merge(workload.uid(), restartedAt, (a, b) -> a.isAfter(b) ? a : b);
  }

  /**
   * The Deployment (through the pod's ReplicaSet), StatefulSet or DaemonSet that rolls the pod; empty for other
   * owners, and for a StatefulSet with the OnDelete strategy, which would never replace the pod by itself.
   */
  Optional<Workload> workloadOf(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    return ClusterView.controllerOf(pod).flatMap(owner -> switch (owner.getKind()) {
      case "DaemonSet" -> Optional.of(new Workload("DaemonSet", namespace, owner.getName(), owner.getUid()));
      case "StatefulSet" -> view.owner(namespace, owner).filter(sts -> !onDelete(sts))
          .map(sts -> new Workload("StatefulSet", namespace, owner.getName(), owner.getUid()));
      case "ReplicaSet" -> view.owner(namespace, owner).flatMap(RolloutRestarter::controller)
          .filter(o -> "Deployment".equals(o.getKind()))
          .map(o -> new Workload("Deployment", namespace, o.getName(), o.getUid()));
      default -> Optional.empty();
    });
  }

  Restarts read(Workload workload) {
    GenericKubernetesResource object = resource(workload).get();
    if (object == null) {
      throw new IllegalStateException(workload + " no longer exists");
    }
    Object value = object.get("spec", "template", "metadata", "annotations", RESTARTED_AT);
    Optional<Instant> restartedAt = Optional.empty();
    if (value instanceof String text) {
      try {
        restartedAt = Optional.of(Instant.parse(text));
      } catch (DateTimeParseException e) {
        // Someone wrote something else there; a restart of ours replaces it.
      }
    }
    return new Restarts(restartedAt, object.getMetadata().getResourceVersion());
  }

  /**
   * Whether the workload's restart at {@code restartedAt} replaces the pod. A Deployment's pod is being rolled while
   * its ReplicaSet is no longer the newest, and is not when its ReplicaSet was made by the restart; until the cache
   * shows the new ReplicaSet, and for other workloads, a pod made before the restart is being rolled.
   */
  boolean beingRolled(Pod pod, Instant restartedAt) {
    if (view.isRollingOut(pod)) {
      return true;
    }
    Optional<HasMetadata> replicaSet = ClusterView.controllerOf(pod).filter(o -> "ReplicaSet".equals(o.getKind()))
        .flatMap(o -> view.owner(pod.getMetadata().getNamespace(), o));
    if (replicaSet.isPresent() && !createdBefore(replicaSet.get(), restartedAt)) {
      return false;
    }
    return createdBefore(pod, restartedAt);
  }

  /** Creation times have seconds only: one made in the second of {@code time} does not count as before it. */
  static boolean createdBefore(HasMetadata object, Instant time) {
    return Instant.parse(object.getMetadata().getCreationTimestamp()).isBefore(time);
  }

  /** Writes the restart; a 409 Conflict means someone (another pod of the workload) wrote it first. */
  Instant restart(Workload workload, Restarts read, Instant now) {
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    Map<String, Object> patch = Map.of("metadata", Map.of("resourceVersion", read.resourceVersion()),
        "spec", Map.of("template", Map.of("metadata", Map.of("annotations", Map.of(RESTARTED_AT, at.toString())))));
    resource(workload).patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    return at;
  }

  private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> resource(Workload workload) {
    return client.genericKubernetesResources("apps/v1", workload.kind()).inNamespace(workload.namespace())
        .withName(workload.name());
  }

  private static boolean onDelete(HasMetadata owner) {
    return owner instanceof StatefulSet sts && sts.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(sts.getSpec().getUpdateStrategy().getType());
  }

  private static Optional<OwnerReference> controller(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() == null ? Optional.empty()
        : object.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController()))
            .findFirst();
  }
}
