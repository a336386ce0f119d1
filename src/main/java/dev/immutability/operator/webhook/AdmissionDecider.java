package dev.immutability.operator.webhook;

import dev.immutability.operator.api.Detect;
import dev.immutability.operator.api.Durations;
import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RootFilesystem;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.PodContainers;
import dev.immutability.operator.drift.PolicySelection;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Decides admission requests from the policies that select the pod: exec and attach sessions are recorded (or
 * denied in Enforce mode), debug containers are denied in Enforce mode, and new pods must have (or are given, with
 * rootFilesystem.mutate) a read-only root filesystem in Enforce mode. A pure function of the request and the caches.
 */
public final class AdmissionDecider {
  static final String WRITABLE_VOLUME_PREFIX = "immutability-writable-";
  private static final String DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

  private final PolicyLookup lookup;
  private final Clock clock;

  AdmissionDecider(PolicyLookup lookup, Clock clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  /** @param authenticated the request came with the API server's client certificate */
  AdmissionDecision validate(AdmissionRequest request, boolean authenticated) {
    if (request.is("CONNECT", "pods", "exec")) {
      return session(request, "exec", DriftReason.ExecSession, Detect::isExec, authenticated);
    }
    if (request.is("CONNECT", "pods", "attach")) {
      return session(request, "attach", DriftReason.AttachSession, Detect::isAttach, authenticated);
    }
    if (request.is("UPDATE", "pods", "ephemeralcontainers")) {
      return debugContainer(request);
    }
    if (request.is("CREATE", "pods", "")) {
      return readOnlyRootFilesystem(request);
    }
    return AdmissionDecision.allow();
  }

  AdmissionDecision mutate(AdmissionRequest request) {
    if (!request.is("CREATE", "pods", "")) {
      return AdmissionDecision.allow();
    }
    Pod pod = podOf(request);
    List<ImmutabilityPolicy> mutating = enforcing(request.namespace(), pod, p -> requiresReadOnly(p)
        && p.getSpec().getRootFilesystem().isMutate());
    if (mutating.isEmpty()) {
      return AdmissionDecision.allow();
    }
    Set<String> excluded = excluded(mutating);
    Set<String> writablePaths = new LinkedHashSet<>();
    mutating.forEach(p -> writablePaths.addAll(p.getSpec().getRootFilesystem().getWritablePaths()));
    return AdmissionDecision.patch(readOnlyPatch(pod, excluded, List.copyOf(writablePaths)));
  }

  private AdmissionDecision session(AdmissionRequest request, String kind, DriftReason reason,
      Predicate<Detect> watched, boolean authenticated) {
    Optional<Pod> pod = lookup.pod(request.namespace(), request.name());
    if (pod.isEmpty()) {
      return AdmissionDecision.allow();
    }
    String container = sessionContainer(request, pod.get());
    Map<String, String> labels = pod.get().getMetadata().getLabels();
    List<ImmutabilityPolicy> policies = lookup.governing(pod.get()).stream()
        .filter(p -> watched.test(p.getSpec().getDetect()))
        .filter(p -> !p.getSpec().getExclude().getContainers().contains(container)).toList();
    if (policies.isEmpty()) {
      return AdmissionDecision.allow();
    }
    Optional<ImmutabilityException> exception = activeException(request.namespace(), labels, reason);
    Optional<ImmutabilityPolicy> enforcing = policies.stream().filter(p -> p.getSpec().getMode() == Mode.Enforce)
        .findFirst();
    String admittedBy = "";
    if (enforcing.isPresent()) {
      Optional<String> breakGlass = breakGlass(enforcing.get(), request);
      if (breakGlass.isEmpty() && exception.isEmpty()) {
        return AdmissionDecision.deny(refusal(enforcing.get(), kind + " into pod " + request.name(),
            "running pods are immutable; ship changes as a new image"));
      }
      admittedBy = breakGlass.map(who -> "break-glass for " + who + "; ")
          .orElseGet(() -> "exception " + exception.get().getMetadata().getName() + "; ");
    }
    List<String> names = policies.stream().map(p -> p.getMetadata().getName()).toList();
    return AdmissionDecision.allowAndRecord(new AdmissionDecision.Session(kind, request.namespace(), request.name(),
        container, request.username(), request.command(), names),
        admittedBy + outlook(kind, PolicySelection.governing(policies).orElseThrow(), exception, authenticated));
  }

  /**
   * The container a session goes into. Without one named the API server picks the pod's default container (the
   * kubectl.kubernetes.io/default-container annotation, else the first), so the same one is meant here.
   */
  private static String sessionContainer(AdmissionRequest request, Pod pod) {
    String named = request.container();
    if (named != null && !named.isEmpty()) {
      return named;
    }
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String annotated = annotations == null ? null : annotations.get(DEFAULT_CONTAINER_ANNOTATION);
    if (annotated != null && !annotated.isEmpty()) {
      return annotated;
    }
    List<Container> containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return containers == null || containers.isEmpty() ? named : containers.get(0).getName();
  }

  /** What the user is told will happen to the pod, as kubectl prints it: "Warning: ...". */
  private static String outlook(String kind, ImmutabilityPolicy governing, Optional<ImmutabilityException> exception,
      boolean authenticated) {
    String recorded = kind + " recorded by policy " + governing.getMetadata().getName();
    var remediation = governing.getSpec().getRemediation();
    boolean replaces = governing.getSpec().getMode().replacesPods() && remediation.getStrategy() != Strategy.None
        && !remediation.isDryRun() && (authenticated || remediation.isReplaceOnUnauthenticatedSessions());
    if (!replaces) {
      return recorded + "; this pod is not replaced for it";
    }
    if (exception.isPresent()) {
      return recorded + "; excepted by " + exception.get().getMetadata().getName() + " until "
          + exception.get().effectiveExpiry() + ", then this pod will be replaced";
    }
    Duration grace = remediation.execGrace();
    return recorded + "; this pod will be replaced " + (grace.isZero() ? "now" : "in " + Durations.format(grace));
  }

  private static Optional<String> breakGlass(ImmutabilityPolicy policy, AdmissionRequest request) {
    return policy.getSpec().getBreakGlass() == null ? Optional.empty()
        : policy.getSpec().getBreakGlass().admits(request.username(), request.groups());
  }

  private Optional<ImmutabilityException> activeException(String namespace, Map<String, String> labels,
      DriftReason reason) {
    Instant now = clock.instant();
    return lookup.exceptions(namespace, labels).stream().filter(e -> e.covers(reason.name(), now))
        .findFirst();
  }

  private AdmissionDecision debugContainer(AdmissionRequest request) {
    Optional<Pod> pod = lookup.pod(request.namespace(), request.name());
    Map<String, String> labels = pod.map(p -> p.getMetadata().getLabels()).orElseGet(() -> podOf(request)
        .getMetadata().getLabels());
    List<ImmutabilityPolicy> governing = pod.map(lookup::governing)
        .orElseGet(() -> lookup.selecting(request.namespace(), labels));
    Optional<ImmutabilityPolicy> enforcing = governing.stream()
        .filter(p -> p.getSpec().getMode() == Mode.Enforce && p.getSpec().getDetect().isEphemeralContainers())
        .findFirst();
    if (enforcing.isEmpty()) {
      return AdmissionDecision.allow();
    }
    Optional<String> breakGlass = breakGlass(enforcing.get(), request);
    if (breakGlass.isPresent()) {
      return AdmissionDecision.allowWithWarning("debug container allowed by break-glass for " + breakGlass.get()
          + "; it is drift: policy " + enforcing.get().getMetadata().getName() + " replaces this pod");
    }
    Optional<ImmutabilityException> exception = activeException(request.namespace(), labels,
        DriftReason.EphemeralContainer);
    return exception.map(e -> AdmissionDecision.allowWithWarning("debug container allowed by exception "
            + e.getMetadata().getName() + " until " + e.effectiveExpiry()))
        .orElseGet(() -> AdmissionDecision.deny(refusal(enforcing.get(), "adding a debug container to pod "
            + request.name(), "running pods are immutable")));
  }

  private AdmissionDecision readOnlyRootFilesystem(AdmissionRequest request) {
    Pod pod = podOf(request);
    return createRefusal(pod, lookup.selecting(request.namespace(), pod.getMetadata().getLabels()))
        .map(AdmissionDecision::deny).orElseGet(AdmissionDecision::allow);
  }

  /**
   * Why the validating webhook refuses to create this pod (after any mutation), given the policies that select
   * it; empty when it allows it. Also used to check that a replacement can start before a pod is replaced.
   */
  public static Optional<String> createRefusal(Pod pod, List<ImmutabilityPolicy> selecting) {
    List<ImmutabilityPolicy> requiring = selecting.stream().filter(p -> p.getSpec().getMode() == Mode.Enforce)
        .filter(AdmissionDecider::requiresReadOnly).toList();
    if (requiring.isEmpty()) {
      return Optional.empty();
    }
    Set<String> excluded = excluded(requiring);
    List<String> writable = PodContainers.of(pod.getSpec()).stream()
        .filter(c -> !excluded.contains(c.getName()) && !readOnly(c)).map(Container::getName).toList();
    if (writable.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(refusal(requiring.get(0), "creating a pod whose containers " + writable
        + " lack securityContext.readOnlyRootFilesystem: true",
        "set it and mount emptyDir volumes where the application writes, or set spec.rootFilesystem.mutate: true"
            + " on the policy to have it done at admission"));
  }

  private List<ImmutabilityPolicy> enforcing(String namespace, Pod pod, Predicate<ImmutabilityPolicy> filter) {
    return lookup.selecting(namespace, pod.getMetadata().getLabels()).stream()
        .filter(p -> p.getSpec().getMode() == Mode.Enforce).filter(filter).toList();
  }

  private static boolean requiresReadOnly(ImmutabilityPolicy policy) {
    RootFilesystem rootFilesystem = policy.getSpec().getRootFilesystem();
    return rootFilesystem.isRequireReadOnly() && policy.getSpec().getDetect().isRootFilesystem();
  }

  private static Set<String> excluded(List<ImmutabilityPolicy> policies) {
    // A container is exempt only if every policy that applies exempts it.
    return policies.stream().map(p -> Set.copyOf(p.getSpec().getExclude().getContainers()))
        .reduce((a, b) -> a.stream().filter(b::contains).collect(Collectors.toSet())).orElse(Set.of());
  }

  private static boolean readOnly(Container container) {
    return container.getSecurityContext() != null
        && Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem());
  }

  static String refusal(ImmutabilityPolicy policy, String action, String why) {
    String namespace = policy.getMetadata().getNamespace();
    String name = policy.getMetadata().getName();
    return "immutability policy " + namespace + "/" + name + " (mode Enforce) denies " + action + ": " + why
        + ". For access, switch the policy to Audit: kubectl -n " + namespace + " patch immutabilitypolicy " + name
        + " --type=merge -p '{\"spec\":{\"mode\":\"Audit\"}}'";
  }

  private static Pod podOf(AdmissionRequest request) {
    Pod pod = Serialization.unmarshal(Serialization.asJson(request.object()), Pod.class);
    if (pod == null || pod.getMetadata() == null || pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      throw new IllegalArgumentException("request.object is not a pod with metadata and spec.containers");
    }
    return pod;
  }

  /** JSONPatch: readOnlyRootFilesystem on each container, and an emptyDir mounted at each writable path. */
  private static List<Map<String, Object>> readOnlyPatch(Pod pod, Set<String> excluded, List<String> writablePaths) {
    List<Map<String, Object>> operations = new ArrayList<>();
    List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    List<String> volumeNames = new ArrayList<>();
    List<Map<String, Object>> newVolumes = new ArrayList<>();
    for (int i = 0; i < writablePaths.size(); i++) {
      String name = WRITABLE_VOLUME_PREFIX + i;
      volumeNames.add(name);
      if (volumes.stream().noneMatch(v -> name.equals(v.getName()))) {
        newVolumes.add(Map.of("name", name, "emptyDir", Map.of()));
      }
    }
    if (!newVolumes.isEmpty()) {
      if (volumes.isEmpty()) {
        operations.add(op("add", "/spec/volumes", newVolumes));
      } else {
        newVolumes.forEach(v -> operations.add(op("add", "/spec/volumes/-", v)));
      }
    }
    addReadOnly(operations, "/spec/containers/", pod.getSpec().getContainers(), excluded, writablePaths,
        volumeNames);
    addReadOnly(operations, "/spec/initContainers/", pod.getSpec().getInitContainers(), excluded, writablePaths,
        volumeNames);
    return operations;
  }

  /** Containers and init containers (native sidecars among them) alike: read-only root, emptyDirs mounted. */
  private static void addReadOnly(List<Map<String, Object>> operations, String path, List<Container> containers,
      Set<String> excluded, List<String> writablePaths, List<String> volumeNames) {
    List<Container> all = containers == null ? List.of() : containers;
    for (int i = 0; i < all.size(); i++) {
      Container container = all.get(i);
      if (excluded.contains(container.getName())) {
        continue;
      }
      String base = path + i;
      if (container.getSecurityContext() == null) {
        operations.add(op("add", base + "/securityContext", Map.of("readOnlyRootFilesystem", true)));
      } else if (!readOnly(container)) {
        operations.add(op("add", base + "/securityContext/readOnlyRootFilesystem", true));
      }
      List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
      List<Map<String, Object>> newMounts = new ArrayList<>();
      for (int p = 0; p < writablePaths.size(); p++) {
        String mountPath = writablePaths.get(p);
        if (mounts.stream().noneMatch(m -> mountPath.equals(m.getMountPath()))) {
          newMounts.add(Map.of("name", volumeNames.get(p), "mountPath", mountPath));
        }
      }
      if (!newMounts.isEmpty()) {
        if (mounts.isEmpty()) {
          operations.add(op("add", base + "/volumeMounts", newMounts));
        } else {
          newMounts.forEach(m -> operations.add(op("add", base + "/volumeMounts/-", m)));
        }
      }
    }
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("op", op);
    operation.put("path", path);
    operation.put("value", value);
    return operation;
  }
}
