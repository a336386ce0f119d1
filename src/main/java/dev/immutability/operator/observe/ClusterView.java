package dev.immutability.operator.observe;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.Baselines;
import dev.immutability.operator.drift.ConfigDigests;
import dev.immutability.operator.drift.ConfigRef;
import dev.immutability.operator.drift.ConfigRefs;
import dev.immutability.operator.drift.DeclaredState;
import dev.immutability.operator.drift.PolicySelection;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.reports.ReportedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
public final class ClusterView implements ReportedCluster {
  public static final String CONFIG_INDEX = "consumed-config";
  public static final String OWNER_INDEX = "controller-uid";
  public static final String REPLICA_SET_OWNER_INDEX = "deployment-uid";
  public static final String RECORDS_INDEX = "operator-records";

  private volatile IndexedResourceCache<Pod> pods;
  private volatile boolean synced;
  private volatile InformerEventSource<ImmutabilityPolicy, Pod> policies;
  private volatile InformerEventSource<ConfigMap, Pod> configMaps;
  private volatile InformerEventSource<Secret, Pod> secrets;
  private final Map<String, InformerEventSource<? extends HasMetadata, Pod>> owners = new HashMap<>();
  private volatile InformerEventSource<ControllerRevision, Pod> revisions;
  private volatile InformerEventSource<ImmutabilityException, Pod> exceptions;
  private final byte[] configHashKey;

  /** @param configHashKey the install's key for ConfigMap and Secret hashes ({@link ConfigHashKey}) */
  public ClusterView(byte[] configHashKey) {
    this.configHashKey = configHashKey.clone();
  }

  /** What the cache keeps of a ConfigMap: keyed digests of its values, no data. */
  public ConfigMap digested(ConfigMap configMap) {
    return ConfigDigests.slim(configMap, configHashKey);
  }

  /** What the cache keeps of a Secret: keyed digests of its values, no data. */
  public Secret digested(Secret secret) {
    return ConfigDigests.slim(secret, configHashKey);
  }

  public void attach(IndexedResourceCache<Pod> pods, InformerEventSource<ImmutabilityPolicy, Pod> policies,
      InformerEventSource<ConfigMap, Pod> configMaps, InformerEventSource<Secret, Pod> secrets,
      Map<String, InformerEventSource<? extends HasMetadata, Pod>> owners,
      InformerEventSource<ControllerRevision, Pod> revisions) {
    this.pods = pods;
    this.policies = policies;
    this.configMaps = configMaps;
    this.secrets = secrets;
    this.owners.putAll(owners);
    this.revisions = revisions;
  }

  public void attachExceptions(InformerEventSource<ImmutabilityException, Pod> exceptions) {
    this.exceptions = exceptions;
  }

  /** Exceptions of the pod's namespace whose selector matches it, expired or not. */
  public List<ImmutabilityException> exceptionsFor(String namespace, Map<String, String> labels) {
    return exceptions == null ? List.of() : inNamespace(exceptions, namespace).stream()
        .filter(e -> PolicySelection.matches(e.getSpec().getPodSelector(), labels)).toList();
  }

  public Set<ResourceID> podsExceptedBy(ImmutabilityException exception) {
    return ids(inNamespace(pods, exception.getMetadata().getNamespace()).stream()
        .filter(pod -> PolicySelection.matches(exception.getSpec().getPodSelector(), pod.getMetadata().getLabels()))
        .toList());
  }

  /**
   * A namespace's objects from the informer's namespace index. The caches' own {@code list(namespace)} copies the
   * whole cache and filters it: at 10,000 pods, each policy's recount went through every pod of every namespace.
   */
  static <T extends HasMetadata> List<T> inNamespace(IndexedResourceCache<T> cache, String namespace) {
    return cache.byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  /** Index keys of a ReplicaSet: the uid of the Deployment that controls it. */
  public static List<String> replicaSetOwnerKeys(ReplicaSet replicaSet) {
    return controllerOf(replicaSet.getMetadata()).map(owner -> List.of(owner.getUid())).orElse(List.of());
  }

  /** Metadata that identifies an object in a cache, without the rest (managedFields, annotations, labels). */
  public static ObjectMeta identityOf(ObjectMeta metadata) {
    return new ObjectMetaBuilder().withName(metadata.getName()).withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid()).withResourceVersion(metadata.getResourceVersion())
        .withOwnerReferences(metadata.getOwnerReferences()).build();
  }

  /** Called once the pod informer has synced: before that, counts read from the cache would be wrong. */
  public void markSynced() {
    synced = true;
  }

  @Override
  public boolean isSynced() {
    return synced && pods != null;
  }

  /** Index keys of the ConfigMaps and Secrets a pod consumes: {@code namespace/Kind/name}. */
  public static List<String> configIndexKeys(Pod pod) {
    return ConfigRefs.of(pod).stream().map(ref -> pod.getMetadata().getNamespace() + "/" + ref.objectKey()).toList();
  }

  public static String configIndexKey(HasMetadata object) {
    return object.getMetadata().getNamespace() + "/" + ConfigRef.key(object.getKind(), object.getMetadata().getName());
  }

  /** Pods that carry the operator's records, by namespace: those to clean when no policy selects them any more. */
  public static List<String> recordsIndexKeys(Pod pod) {
    return PodRecords.hasRecords(pod) ? List.of(pod.getMetadata().getNamespace()) : List.of();
  }

  public static List<String> ownerIndexKeys(Pod pod) {
    return controllerOf(pod).map(owner -> List.of(owner.getUid())).orElse(List.of());
  }

  public static Optional<OwnerReference> controllerOf(Pod pod) {
    return controllerOf(pod.getMetadata());
  }

  public static Optional<OwnerReference> controllerOf(ObjectMeta metadata) {
    List<OwnerReference> refs = metadata.getOwnerReferences();
    return refs == null ? Optional.empty()
        : refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  public Set<ResourceID> podsConsuming(HasMetadata config) {
    return ids(pods.byIndex(CONFIG_INDEX, configIndexKey(config)));
  }

  public Set<ResourceID> podsOwnedBy(HasMetadata owner) {
    return podsOwnedBy(owner.getMetadata().getUid());
  }

  /**
   * The pods of a ReplicaSet and of its Deployment's other ReplicaSets: a new ReplicaSet turns its siblings' pods
   * into pods the rollout replaces.
   */
  public Set<ResourceID> podsOfDeploymentOf(ReplicaSet replicaSet) {
    Set<ResourceID> concerned = new HashSet<>(podsOwnedBy(replicaSet));
    for (String deployment : replicaSetOwnerKeys(replicaSet)) {
      owners.get("ReplicaSet").byIndex(REPLICA_SET_OWNER_INDEX, deployment)
          .forEach(sibling -> concerned.addAll(podsOwnedBy(sibling)));
    }
    return concerned;
  }

  public Set<ResourceID> podsOwnedBy(String ownerUid) {
    return ids(pods.byIndex(OWNER_INDEX, ownerUid));
  }

  /** The pods a policy's change can concern: those it selects and those of its namespace that carry records. */
  public Set<ResourceID> podsConcerning(ImmutabilityPolicy policy) {
    Set<ResourceID> concerned = new HashSet<>(ids(podsSelectedBy(policy)));
    concerned.addAll(ids(pods.byIndex(RECORDS_INDEX, policy.getMetadata().getNamespace())));
    return concerned;
  }

  public List<Pod> podsSelectedBy(ImmutabilityPolicy policy) {
    return inNamespace(pods, policy.getMetadata().getNamespace()).stream()
        .filter(pod -> PolicySelection.matches(policy.getSpec().getSelector(), pod.getMetadata().getLabels()))
        .toList();
  }

  /** The policies governing the pod: see {@link PolicySelection#selectingPod}. */
  public List<ImmutabilityPolicy> policiesSelecting(Pod pod) {
    return policiesSelecting(pod, PodRecords.baseline(pod));
  }

  /** {@code recorded}: the pod's baseline, whose record of the policies that selected it keeps them governing. */
  private List<ImmutabilityPolicy> policiesSelecting(Pod pod, Optional<Baseline> recorded) {
    if (policies == null) {
      return List.of();
    }
    return PolicySelection.selectingPod(inNamespace(policies, pod.getMetadata().getNamespace()),
        pod.getMetadata().getLabels(), recorded.map(b -> b.selectedBy()).orElse(Map.of()));
  }

  public List<ImmutabilityPolicy> policiesSelecting(String namespace, Map<String, String> labels) {
    return policies == null ? List.of() : PolicySelection.selecting(inNamespace(policies, namespace), labels);
  }

  @Override
  public boolean hasPolicies(String namespace) {
    return policies != null && !inNamespace(policies, namespace).isEmpty();
  }

  @Override
  public boolean hasPod(String namespaceAndName, String uid) {
    int slash = namespaceAndName.indexOf('/');
    return pod(namespaceAndName.substring(0, slash), namespaceAndName.substring(slash + 1))
        .filter(p -> uid.equals(p.getMetadata().getUid())).isPresent();
  }

  /** Namespaces holding at least one Enforce policy. */
  public Set<String> namespacesEnforcing() {
    return policies == null ? Set.of() : policies.list(p -> p.getSpec().getMode() == Mode.Enforce)
        .map(p -> p.getMetadata().getNamespace()).collect(Collectors.toSet());
  }

  public Optional<Pod> pod(String namespace, String name) {
    return pods == null ? Optional.empty() : pods.get(new ResourceID(name, namespace));
  }

  /**
   * Reads, once, what the pod's evaluation needs (see {@link PodObservation}): each ConfigMap and Secret it consumes
   * is looked up once for its hashes (of the keys the pod reads, per {@link ConfigRef#key()}, and for a single-key
   * reference also of the whole object under {@link ConfigRef#objectKey()}, what baselines recorded before single-key
   * tracking hold), its labels and its last write. An absent object has no entry.
   */
  public PodObservation observe(Pod pod, Instant now) {
    // The baseline annotation is JSON: parsed once per evaluation.
    Optional<Baseline> recorded = PodRecords.baseline(pod);
    List<ImmutabilityPolicy> governing = policiesSelecting(pod, recorded);
    if (governing.isEmpty()) {
      return PodObservation.ungoverned(pod);
    }
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> configHashes = new HashMap<>();
    Map<String, String> unkeyedConfigHashes = new HashMap<>();
    Map<ConfigRef, Map<String, String>> configLabels = new HashMap<>();
    // When the pod or something it consumes was last written: the moment the cluster last changed in a way this
    // evaluation can see.
    List<Instant> writes = new ArrayList<>();
    ConfigDigests.writtenAt(pod).ifPresent(writes::add);
    for (ConfigRef ref : ConfigRefs.of(pod)) {
      configObject(namespace, ref).ifPresent(object -> {
        configHashes.put(ref.key(), ConfigDigests.hash(object, ref.keys()));
        if (!ref.readsAllKeys()) {
          configHashes.put(ref.objectKey(), ConfigDigests.hash(object, null));
        }
        ConfigDigests.unkeyedHash(object).ifPresent(hash -> unkeyedConfigHashes.put(ref.objectKey(), hash));
        configLabels.put(ref, Optional.ofNullable(object.getMetadata().getLabels()).orElse(Map.of()));
        ConfigDigests.lastWrite(object).ifPresent(writes::add);
      });
    }
    // A pod seen for the first time is checked at once against what its owner declares.
    Optional<Baseline> captured = recorded.isPresent() ? Optional.empty()
        : Baselines.capture(pod, configHashes, now).map(b -> b.selectedBy(governing.stream().collect(
            Collectors.toMap(p -> p.getMetadata().getName(),
                p -> Optional.ofNullable(p.getMetadata().getGeneration()).orElse(0L)))));
    DeclaredState declared = new DeclaredState(declaredImages(pod),
        recorded.or(() -> captured).orElse(null), configHashes,
        controllerOf(pod).map(OwnerReference::getKind).orElse(null), isRollingOut(pod), unkeyedConfigHashes);
    return new PodObservation(pod, governing, captured, declared, configLabels,
        exceptionsFor(namespace, pod.getMetadata().getLabels()), writes.stream().max(Instant::compareTo));
  }

  private Optional<HasMetadata> configObject(String namespace, ConfigRef ref) {
    ResourceID id = new ResourceID(ref.name(), namespace);
    return ConfigRef.CONFIG_MAP.equals(ref.kind()) ? configMaps.get(id).map(HasMetadata.class::cast)
        : secrets.get(id).map(HasMetadata.class::cast);
  }

  /**
   * Images the pod's owner declares for it; empty for a bare pod, an owner that is not cached, a revision not
   * found, or an owner the operator does not know (the baseline is the reference then).
   */
  public Map<String, String> declaredImages(Pod pod) {
    Optional<OwnerReference> owner = controllerOf(pod);
    if (owner.isEmpty()) {
      return Map.of();
    }
    String kind = owner.get().getKind();
    if ("StatefulSet".equals(kind) || "DaemonSet".equals(kind)) {
      return OwnerDeclarations.revisionNames(pod, owner.get()).stream()
          .map(name -> revisions.get(new ResourceID(name, pod.getMetadata().getNamespace())))
          .flatMap(Optional::stream)
          .filter(revision -> controllerOf(revision.getMetadata()).map(OwnerReference::getUid)
              .filter(owner.get().getUid()::equals).isPresent())
          .findFirst().map(OwnerDeclarations::revisionImages).orElse(Map.of());
    }
    return ownerObject(pod).flatMap(OwnerDeclarations::templateImages).orElse(Map.of());
  }

  /** A Deployment pod whose ReplicaSet is no longer its Deployment's newest: the rollout will replace it. */
  public boolean isRollingOut(Pod pod) {
    return ownerObject(pod).filter(ReplicaSet.class::isInstance).map(ReplicaSet.class::cast).map(replicaSet -> {
      long revision = OwnerDeclarations.deploymentRevision(replicaSet);
      return replicaSetOwnerKeys(replicaSet).stream()
          .flatMap(deployment -> owners.get("ReplicaSet").byIndex(REPLICA_SET_OWNER_INDEX, deployment).stream())
          .anyMatch(sibling -> OwnerDeclarations.deploymentRevision(sibling) > revision);
    }).orElse(false);
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
    return ownerObject(pod).flatMap(OwnerDeclarations::template);
  }

  /** Whether the cache holds the ConfigMap or Secret ({@link ConfigRef#CONFIG_MAP} or {@link ConfigRef#SECRET}). */
  public boolean configExists(String namespace, String kind, String name) {
    return configObject(namespace, new ConfigRef(kind, name, Set.of())).isPresent();
  }

  private static Set<ResourceID> ids(List<Pod> list) {
    return list.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
