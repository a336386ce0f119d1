package dev.immutability.operator.observe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the caches keep, beyond the single managedFields entry every object is read with ({@link ApiSerialization}).
 * Owners: everything but kubectl's last-applied copy. Pods, the bulk of the cache: none of what detection,
 * selection, readiness and remediation never read (probes, resources, scheduling, container states), and the
 * strings thousands of pods repeat (namespace, labels, images) shared, not copied.
 * A bare pod keeps its whole spec: it is recreated from it.
 */
public final class CacheTransforms {
  /** The pod conditions read: readiness, and the operator's own record. */
  private static final List<String> CONDITIONS_KEPT = List.of("Ready", "immutability.dev/Immutable");

  private CacheTransforms() {}

  /** kubectl's client-side apply keeps a copy of the whole object in it: never read, often the object's size again. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** Owners (ReplicaSets, StatefulSets, DaemonSets, Jobs): without kubectl's copy of the object. */
  public static <R extends HasMetadata> R slimOwner(R owner) {
    Map<String, String> annotations = owner.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
      Map<String, String> kept = new HashMap<>(annotations);
      kept.remove(LAST_APPLIED);
      owner.getMetadata().setAnnotations(kept);
    }
    return owner;
  }

  public static Pod slimPod(Pod pod) {
    shareStrings(pod.getMetadata());
    if (pod.getSpec() != null && ClusterView.controllerOf(pod).isPresent()) {
      slim(pod.getSpec());
    }
    if (pod.getStatus() != null) {
      slim(pod.getStatus());
    }
    return pod;
  }

  private static void shareStrings(ObjectMeta metadata) {
    metadata.setNamespace(shared(metadata.getNamespace()));
    metadata.setLabels(shared(metadata.getLabels()));
    if (metadata.getOwnerReferences() != null) {
      for (OwnerReference owner : metadata.getOwnerReferences()) {
        owner.setApiVersion(shared(owner.getApiVersion()));
        owner.setKind(shared(owner.getKind()));
        owner.setName(shared(owner.getName()));
        owner.setUid(shared(owner.getUid()));
      }
    }
  }

  private static void slim(PodSpec spec) {
    spec.setAffinity(null);
    spec.setTolerations(null);
    spec.setTopologySpreadConstraints(null);
    spec.setDnsConfig(null);
    spec.setHostAliases(null);
    spec.setReadinessGates(null);
    spec.setOverhead(null);
    spec.setNodeSelector(null);
    spec.setSchedulerName(null);
    spec.setPriorityClassName(null);
    spec.setDnsPolicy(null);
    spec.setPreemptionPolicy(null);
    spec.setNodeName(shared(spec.getNodeName()));
    spec.setServiceAccountName(shared(spec.getServiceAccountName()));
    spec.setServiceAccount(null);
    spec.getContainers().forEach(CacheTransforms::slim);
    spec.getInitContainers().forEach(CacheTransforms::slim);
    for (EphemeralContainer container : spec.getEphemeralContainers()) {
      container.setImage(shared(container.getImage()));
      container.setResources(null);
      container.setTerminationMessagePath(null);
      container.setTerminationMessagePolicy(null);
    }
  }

  private static void slim(Container container) {
    container.setName(shared(container.getName()));
    container.setImage(shared(container.getImage()));
    container.setResources(null);
    container.setLivenessProbe(null);
    container.setReadinessProbe(null);
    container.setStartupProbe(null);
    container.setLifecycle(null);
    container.setPorts(null);
    container.setResizePolicy(null);
    container.setTerminationMessagePath(null);
    container.setTerminationMessagePolicy(null);
    container.setImagePullPolicy(null);
  }

  private static void slim(PodStatus status) {
    if (status.getConditions() != null) {
      status.setConditions(status.getConditions().stream()
          .filter(c -> CONDITIONS_KEPT.contains(c.getType())).map(CacheTransforms::slim).toList());
    }
    status.setPodIPs(null);
    status.setHostIPs(null);
    status.setQosClass(null);
    status.setHostIP(shared(status.getHostIP()));
    status.getContainerStatuses().forEach(CacheTransforms::slim);
    status.getInitContainerStatuses().forEach(CacheTransforms::slim);
    status.getEphemeralContainerStatuses().forEach(CacheTransforms::slim);
  }

  private static PodCondition slim(PodCondition condition) {
    condition.setType(shared(condition.getType()));
    condition.setStatus(shared(condition.getStatus()));
    condition.setLastProbeTime(null);
    return condition;
  }

  private static void slim(ContainerStatus status) {
    status.setName(shared(status.getName()));
    status.setImage(shared(status.getImage()));
    status.setImageID(shared(status.getImageID()));
    status.setState(null);
    status.setLastState(null);
    status.setAllocatedResources(null);
    status.setResources(null);
    status.setVolumeMounts(null);
    status.setUser(null);
    status.setContainerID(null);
  }

  private static Map<String, String> shared(Map<String, String> labels) {
    if (labels == null) {
      return null;
    }
    Map<String, String> copy = new HashMap<>(labels.size() * 2);
    labels.forEach((key, value) -> copy.put(shared(key), shared(value)));
    return copy;
  }

  /** One copy per distinct value: the JVM's string table keeps them, and drops those no pod uses any more. */
  private static String shared(String value) {
    return value == null ? null : value.intern();
  }
}
