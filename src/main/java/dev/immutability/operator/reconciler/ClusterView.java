package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.ConfigHashes;
import dev.immutability.operator.drift.ConfigRef;
import dev.immutability.operator.drift.ConfigRefs;
import dev.immutability.operator.drift.DriftDetector;
import dev.immutability.operator.drift.PolicySelection;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Read-only view of the informer caches the operator keeps: everything the reconcilers read about the cluster
 * comes from here, so no evaluation makes an API round trip. Indexes make each lookup cost O(1) in the number of
 * pods: a ConfigMap or owner finds the pods that use it without a scan.
 */
public final class ClusterView {
  static final String CONFIG_INDEX = "consumed-config";
  static final String OWNER_INDEX = "controller-uid";

  private volatile IndexedResourceCache<Pod> pods;
  private volatile boolean synced;
  private volatile InformerEventSource<ImmutabilityPolicy, Pod> policies;
  private volatile InformerEventSource<ConfigMap, Pod> configMaps;
  private volatile InformerEventSource<Secret, Pod> secrets;
  private final Map<String, InformerEventSource<? extends HasMetadata, Pod>> owners = new HashMap<>();

  void attach(IndexedResourceCache<Pod> pods, InformerEventSource<ImmutabilityPolicy, Pod> policies,
      InformerEventSource<ConfigMap, Pod> configMaps, InformerEventSource<Secret, Pod> secrets,
      Map<String, InformerEventSource<? extends HasMetadata, Pod>> owners) {
    this.pods = pods;
    this.policies = policies;
    this.configMaps = configMaps;
    this.secrets = secrets;
    this.owners.putAll(owners);
  }

  /** Called once the pod informer has synced: before that, counts read from the cache would be wrong. */
  public void markSynced() {
    synced = true;
  }

  public boolean isSynced() {
    return synced && pods != null;
  }

  /** Index keys of the ConfigMaps and Secrets a pod consumes: {@code namespace/Kind/name}. */
  static List<String> configIndexKeys(Pod pod) {
    return ConfigRefs.of(pod).stream().map(ref -> pod.getMetadata().getNamespace() + "/" + ref.key()).toList();
  }

  static String configIndexKey(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + ConfigRef.key(object.getKind(), object.getMetadata().getName());
  }

  static List<String> ownerIndexKeys(Pod pod) {
    return controllerOf(pod).map(owner -> List.of(owner.getUid())).orElse(List.of());
  }

  public static Optional<OwnerReference> controllerOf(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs == null ? Optional.empty()
        : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  Set<ResourceID> podsConsuming(HasMetadata config) {
    return ids(pods.byIndex(CONFIG_INDEX, configIndexKey(config)));
  }

  Set<ResourceID> podsOwnedBy(HasMetadata owner) {
    return ids(pods.byIndex(OWNER_INDEX, owner.getMetadata().getUid()));
  }

  public List<Pod> podsSelectedBy(ImmutabilityPolicy policy) {
    return pods.list(policy.getMetadata().getNamespace(),
        pod -> PolicySelection.matches(policy.getSpec().getSelector(), pod.getMetadata().getLabels())).toList();
  }

  public List<ImmutabilityPolicy> policiesSelecting(Pod pod) {
    return policiesSelecting(pod.getMetadata().getNamespace(), pod.getMetadata().getLabels());
  }

  public List<ImmutabilityPolicy> policiesSelecting(String namespace, Map<String, String> labels) {
    return policies == null ? List.of() : PolicySelection.selecting(policies.list(namespace).toList(), labels);
  }

  public Optional<Pod> pod(String namespace, String name) {
    return pods == null ? Optional.empty() : pods.get(new ResourceID(name, namespace));
  }

  /** Current content hash of each ConfigMap and Secret the pod consumes; an absent object has no entry. */
  public Map<String, String> configHashes(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> hashes = new HashMap<>();
    for (ConfigRef ref : ConfigRefs.of(pod)) {
      configObject(namespace, ref).map(object -> object instanceof ConfigMap configMap
          ? ConfigHashes.of(configMap) : ConfigHashes.of((Secret) object))
          .ifPresent(hash -> hashes.put(ref.key(), hash));
    }
    return hashes;
  }

  /**
   * When the pod or a ConfigMap or Secret it consumes was last written (managedFields times): the moment the
   * cluster last changed in a way this pod's evaluation can see.
   */
  public Optional<Instant> latestWrite(Pod pod) {
    List<HasMetadata> objects = new ArrayList<>(List.of(pod));
    for (ConfigRef ref : ConfigRefs.of(pod)) {
      configObject(pod.getMetadata().getNamespace(), ref).ifPresent(objects::add);
    }
    return objects.stream().flatMap(o -> Optional.ofNullable(o.getMetadata().getManagedFields()).orElse(List.of()).stream())
        .map(ManagedFieldsEntry::getTime).filter(Objects::nonNull).map(Instant::parse).max(Instant::compareTo);
  }

  private Optional<HasMetadata> configObject(String namespace, ConfigRef ref) {
    ResourceID id = new ResourceID(ref.name(), namespace);
    return ConfigRef.CONFIG_MAP.equals(ref.kind()) ? configMaps.get(id).map(HasMetadata.class::cast)
        : secrets.get(id).map(HasMetadata.class::cast);
  }

  /** Image per container of the pod's controller's template; empty for a bare pod or an owner not cached. */
  public Map<String, String> templateImages(Pod pod) {
    return ownerObject(pod).flatMap(ClusterView::templateOf)
        .map(template -> DriftDetector.imagesOf(template.getSpec().getContainers()))
        .orElse(Map.of());
  }

  public List<Pod> podsOfController(String controllerUid) {
    return pods.byIndex(OWNER_INDEX, controllerUid);
  }

  private Optional<? extends HasMetadata> ownerObject(Pod pod) {
    return controllerOf(pod).flatMap(owner -> owner(pod.getMetadata().getNamespace(), owner));
  }

  /** The cached object an owner reference names, if its kind is cached and it is the same object (uid). */
  public Optional<HasMetadata> owner(String namespace, OwnerReference owner) {
    InformerEventSource<? extends HasMetadata, Pod> source = owners.get(owner.getKind());
    return source == null ? Optional.empty()
        : source.get(new ResourceID(owner.getName(), namespace))
            .filter(o -> owner.getUid().equals(o.getMetadata().getUid())).map(HasMetadata.class::cast);
  }

  /** The pod template of the pod's controller, when the controller is cached. */
  public Optional<PodTemplateSpec> ownerTemplate(Pod pod) {
    return ownerObject(pod).flatMap(ClusterView::templateOf);
  }

  /** Whether the cache holds the ConfigMap or Secret ({@link ConfigRef#CONFIG_MAP} or {@link ConfigRef#SECRET}). */
  public boolean configExists(String namespace, String kind, String name) {
    return configObject(namespace, new ConfigRef(kind, name, Set.of())).isPresent();
  }

  private static Optional<PodTemplateSpec> templateOf(HasMetadata owner) {
    PodTemplateSpec template = null;
    if (owner instanceof ReplicaSet rs) {
      template = rs.getSpec().getTemplate();
    } else if (owner instanceof StatefulSet sts) {
      template = sts.getSpec().getTemplate();
    } else if (owner instanceof DaemonSet ds) {
      template = ds.getSpec().getTemplate();
    } else if (owner instanceof Job job) {
      template = job.getSpec().getTemplate();
    }
    return Optional.ofNullable(template);
  }

  private static Set<ResourceID> ids(List<Pod> list) {
    return list.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
