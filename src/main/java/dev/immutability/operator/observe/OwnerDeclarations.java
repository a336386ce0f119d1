package dev.immutability.operator.observe;

import dev.immutability.operator.drift.PodContainers;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an owner declares for one of its pods. A ReplicaSet's and a Job's template never change for the pods they
 * made. A StatefulSet's or DaemonSet's template does (a rollout, a partition, OnDelete), so their pods are compared
 * with the ControllerRevision named by the pod's {@code controller-revision-hash} label: the revision the pod was
 * made from, not the owner's current template.
 */
public final class OwnerDeclarations {
  static final String REVISION_LABEL = "controller-revision-hash";
  static final String DEPLOYMENT_REVISION = "deployment.kubernetes.io/revision";

  private OwnerDeclarations() {}

  /** An owner's current pod template: what a pod it makes now would be. */
  static Optional<PodTemplateSpec> template(HasMetadata owner) {
    PodTemplateSpec template = owner instanceof ReplicaSet rs ? rs.getSpec().getTemplate()
        : owner instanceof StatefulSet sts ? sts.getSpec().getTemplate()
        : owner instanceof DaemonSet ds ? ds.getSpec().getTemplate()
        : owner instanceof Job job ? job.getSpec().getTemplate() : null;
    return Optional.ofNullable(template);
  }

  /** Image per container name that a ReplicaSet's or Job's template declares. */
  static Optional<Map<String, String>> templateImages(HasMetadata owner) {
    PodTemplateSpec template = owner instanceof ReplicaSet rs ? rs.getSpec().getTemplate()
        : owner instanceof Job job ? job.getSpec().getTemplate() : null;
    return Optional.ofNullable(template).map(t -> PodContainers.images(t.getSpec()));
  }

  /**
   * Names the revision a StatefulSet or DaemonSet pod was made from may have: a StatefulSet's label holds the
   * revision's name, a DaemonSet's only its hash (the name is {@code <daemonset>-<hash>}).
   */
  static List<String> revisionNames(Pod pod, OwnerReference owner) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(REVISION_LABEL);
    if (hash == null) {
      return List.of();
    }
    return hash.startsWith(owner.getName() + "-") ? List.of(hash) : List.of(owner.getName() + "-" + hash);
  }

  /** Image per container name of the pod template a ControllerRevision holds. */
  static Map<String, String> revisionImages(ControllerRevision revision) {
    Map<String, Object> data = Serialization.jsonMapper().convertValue(revision.getData(), Map.class);
    Object template = data == null ? null : child(child(data, "spec"), "template");
    if (template == null) {
      return Map.of();
    }
    PodTemplateSpec spec = Serialization.jsonMapper().convertValue(template, PodTemplateSpec.class);
    return PodContainers.images(spec.getSpec());
  }

  /**
   * What the cache keeps of a ControllerRevision: its identity and the names and images of its template's
   * containers. A revision otherwise holds a whole pod template, for up to ten revisions per owner.
   */
  public static ControllerRevision slim(ControllerRevision revision) {
    Map<String, Object> template = new LinkedHashMap<>();
    PodSpec spec = new PodSpec();
    revisionImages(revision).forEach((name, image) ->
        spec.getContainers().add(new ContainerBuilder().withName(name).withImage(image).build()));
    template.put("spec", Serialization.jsonMapper().convertValue(spec, Map.class));
    ControllerRevision slim = new ControllerRevision();
    slim.setMetadata(ClusterView.identityOf(revision.getMetadata()));
    slim.setRevision(revision.getRevision());
    slim.setData(Map.of("spec", Map.of("template", template)));
    return slim;
  }

  /** A ReplicaSet's revision within its Deployment; 0 when it does not say. */
  static long deploymentRevision(HasMetadata replicaSet) {
    Map<String, String> annotations = replicaSet.getMetadata().getAnnotations();
    try {
      return annotations == null ? 0 : Long.parseLong(annotations.getOrDefault(DEPLOYMENT_REVISION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Object child(Object map, String key) {
    return map instanceof Map<?, ?> m ? m.get(key) : null;
  }
}
