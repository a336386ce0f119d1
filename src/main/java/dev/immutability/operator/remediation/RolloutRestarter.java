package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.runtime.BoundedMaps;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Strategy RolloutRestart: has the pod's Deployment, StatefulSet or DaemonSet roll its pods, as
 * {@code kubectl rollout restart} does, by writing the time into the pod template's
 * {@code kubectl.kubernetes.io/restartedAt} annotation. A pod made from an older template is already being
 * rolled, so it waits instead of restarting the workload again; the state is in the template, so a restarted operator
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

  private static final int WORKLOADS_REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final ClusterView view;
  private final Map<String, Instant> lastRestarts =
      Collections.synchronizedMap(BoundedMaps.lru(WORKLOADS_REMEMBERED));
  private final Set<String> restarting = ConcurrentHashMap.newKeySet();

  RolloutRestarter(KubernetesClient client, ClusterView view) {
    this.client = client;
    this.view = view;
  }

  /**
   * Claims the workload while one of its pods reads and writes its restart, so its pods restart it once; false if
   * another pod holds it. A claim, not a lock: no thread waits while another one calls the API server.
   */
  boolean claim(Workload workload) {
    return restarting.add(workload.uid());
  }

  void release(Workload workload) {
    restarting.remove(workload.uid());
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
    GenericKubernetesResource object = client.genericKubernetesResources("apps/v1", workload.kind())
        .inNamespace(workload.namespace()).withName(workload.name()).get();
    if (object == null) {
      throw new IllegalStateException(workload + " no longer exists");
    }
    Object value = object.get("spec", "template", "metadata", "annotations", RESTARTED_AT);
    return new Restarts(parse(value), object.getMetadata().getResourceVersion());
  }

  private static Object annotation(Map<String, String> annotations) {
    return annotations == null ? null : annotations.get(RESTARTED_AT);
  }

  private static Optional<Instant> parse(Object value) {
    if (value instanceof String text) {
      try {
        return Optional.of(Instant.parse(text));
      } catch (DateTimeParseException e) {
        // Someone wrote something else there; a restart of ours replaces it.
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the workload's restart at {@code restartedAt} replaces the pod: a Deployment's pod while its ReplicaSet
   * is no longer the newest; until the cache shows the new ReplicaSet, and for other workloads, a pod made from an
   * older template up to the second of the restart.
   */
  boolean beingRolled(Pod pod, Instant restartedAt) {
    return view.isRollingOut(pod) || madeBefore(pod, restartedAt);
  }

  /**
   * A pod made before the second of the restart was made before it, whatever its annotations say (users who may
   * patch pods can write them). One made in that second (creation times have seconds only) was made by the restart
   * if it carries the restart's time, as a pod carries its template's annotations.
   */
  static boolean madeBefore(Pod pod, Instant restartedAt) {
    Instant created = Instant.parse(pod.getMetadata().getCreationTimestamp());
    Instant second = restartedAt.truncatedTo(ChronoUnit.SECONDS);
    if (!created.equals(second)) {
      return created.isBefore(second);
    }
    return !restartedAt.equals(parse(annotation(pod.getMetadata().getAnnotations())).orElse(null));
  }

  /**
   * The time a restart writes: now, in whole seconds as kubectl writes it, and always after the previous restart, or
   * a second restart in the same second would leave the template as it was and roll nothing.
   */
  static Instant nextRestart(Optional<Instant> previous, Instant now) {
    Instant at = now.truncatedTo(ChronoUnit.SECONDS);
    return previous.filter(p -> !at.isAfter(p)).map(p -> p.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)).orElse(at);
  }

  /** Writes the restart; a 409 Conflict means someone (another pod of the workload) wrote it first. */
  Instant restart(Workload workload, Restarts read, Instant now) {
    Instant at = nextRestart(read.restartedAt(), now);
    Map<String, Object> patch = Map.of("metadata", Map.of("resourceVersion", read.resourceVersion()),
        "spec", Map.of("template", Map.of("metadata", Map.of("annotations", Map.of(RESTARTED_AT, at.toString())))));
    // Through an object in hand: by name alone, the client would GET the workload again first.
    GenericKubernetesResource target = new GenericKubernetesResourceBuilder().withApiVersion("apps/v1")
        .withKind(workload.kind()).withNewMetadata().withNamespace(workload.namespace()).withName(workload.name())
        .endMetadata().build();
    client.genericKubernetesResources("apps/v1", workload.kind()).inNamespace(workload.namespace()).resource(target)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
    return at;
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
