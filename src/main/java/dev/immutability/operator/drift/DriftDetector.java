package dev.immutability.operator.drift;

import dev.immutability.operator.api.ImagePin;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Finds the drift that a pod's own state shows, against its declared state, as one policy asks.
 * A pure function: no API calls, no clock (the caller passes the time), no mutable state.
 * Event-like drift (exec and attach sessions, runtime alerts) is reported as it happens, not found here.
 */
public final class DriftDetector {
  private DriftDetector() {}

  public static List<Finding> detect(Pod pod, DeclaredState declared, ImmutabilityPolicySpec policy, Instant now) {
    return detect(pod, declared, policy, ref -> false, now);
  }

  /** @param excludedConfig ConfigMaps and Secrets whose changes the policy ignores (see {@link ConfigExclusions}) */
  public static List<Finding> detect(Pod pod, DeclaredState declared, ImmutabilityPolicySpec policy,
      Predicate<ConfigRef> excludedConfig, Instant now) {
    Set<String> excluded = new TreeSet<>(policy.getExclude() == null ? List.of() : policy.getExclude().getContainers());
    List<Finding> findings = new ArrayList<>();
    if (policy.getDetect().isEphemeralContainers()) {
      findEphemeralContainers(pod, excluded, now, findings);
    }
    if (policy.getDetect().isImage()) {
      findChangedImages(pod, declared, policy, excluded, now, findings);
      findChangedDigests(pod, declared, policy.getImages(), excluded, now, findings);
    }
    if (policy.getDetect().isConfig()) {
      findChangedConfig(pod, declared, excluded, excludedConfig, now, findings);
    }
    if (policy.getDetect().isRootFilesystem() && policy.getRootFilesystem().isRequireReadOnly()) {
      findWritableRootFilesystems(pod, excluded, now, findings);
    }
    return findings;
  }

  private static void findEphemeralContainers(Pod pod, Set<String> excluded, Instant now, List<Finding> out) {
    for (EphemeralContainer debug : nullSafe(pod.getSpec().getEphemeralContainers())) {
      if (!excluded.contains(debug.getName())) {
        out.add(Finding.of(DriftReason.EphemeralContainer, debug.getName(),
            "ephemeral container " + debug.getName() + " (" + debug.getImage() + ") was added to the running pod",
            now));
      }
    }
  }

  private static void findChangedImages(Pod pod, DeclaredState declared, ImmutabilityPolicySpec policy,
      Set<String> excluded, Instant now, List<Finding> out) {
    // Such an owner writes images into its pods itself, and a spec never updated since creation is as admitted
    // (a mutating webhook may have rewritten the image then: a mirror, a digest pin); neither is drift.
    if (nullSafe(policy.getOwnersUpdatingInPlace()).contains(declared.ownerKind())
        || PodContainers.specUnchangedSinceCreation(pod)) {
      return;
    }
    Baseline baseline = declared.baseline();
    Map<String, String> declaredImages;
    String source;
    if (baseline != null && baseline.imagesAsAdmitted()) {
      declaredImages = baseline.images();
      source = "the image admitted when the pod was created";
    } else if (declared.hasOwnerTemplate()) {
      declaredImages = declared.templateImages();
      source = "its owner's template";
    } else {
      declaredImages = baseline == null ? Map.of() : baseline.images();
      source = "its recorded baseline";
    }
    for (Container container : PodContainers.of(pod.getSpec())) {
      String expected = declaredImages.get(container.getName());
      if (!excluded.contains(container.getName()) && expected != null
          && !ImageReference.same(expected, container.getImage())) {
        out.add(Finding.of(DriftReason.ImageChanged, container.getName(),
            "image " + container.getImage() + " differs from " + expected + " declared by " + source, now));
      }
    }
  }

  private static void findChangedDigests(Pod pod, DeclaredState declared, List<ImagePin> pins, Set<String> excluded,
      Instant now, List<Finding> out) {
    Map<String, String> pinned = nullSafe(pins).stream()
        .collect(Collectors.toMap(ImagePin::getContainer, ImagePin::digest, (a, b) -> a));
    Map<String, String> specImages = PodContainers.images(pod.getSpec());
    Baseline baseline = declared.baseline();
    for (ContainerStatus status : statuses(pod)) {
      String name = status.getName();
      String running = ImageDigests.digestOf(status.getImageID());
      if (excluded.contains(name) || running == null) {
        continue;
      }
      if (pinned.containsKey(name)) {
        if (!pinned.get(name).equals(running)) {
          out.add(Finding.of(DriftReason.ImageDigestChanged, name,
              "running digest " + running + " differs from " + pinned.get(name) + " pinned by the policy", now));
        }
        continue;
      }
      // Against the baseline only while the spec still names the baseline's image: an edited image is ImageChanged.
      if (baseline != null && baseline.imageDigests().containsKey(name)
          && !baseline.imageDigests().get(name).equals(running)
          && baseline.images().getOrDefault(name, "").equals(specImages.get(name))) {
        out.add(Finding.of(DriftReason.ImageDigestChanged, name,
            "image " + specImages.get(name) + " now runs digest " + running + ", not "
                + baseline.imageDigests().get(name) + " recorded when the pod started", now));
      }
    }
  }

  private static void findChangedConfig(Pod pod, DeclaredState declared, Set<String> excluded,
      Predicate<ConfigRef> excludedConfig, Instant now, List<Finding> out) {
    // A Deployment's rollout replaces the pod anyway; replacing it again would only fight the rollout.
    if (declared.baseline() == null || declared.rollingOut()) {
      return;
    }
    for (ConfigRef ref : ConfigRefs.of(pod)) {
      String consumers = ref.containers().stream().filter(c -> !excluded.contains(c)).sorted()
          .collect(Collectors.joining(","));
      // A baseline recorded before single-key tracking holds the whole object's hash: compare like with like.
      String key = declared.baseline().configs().containsKey(ref.key()) ? ref.key() : ref.objectKey();
      String recorded = declared.baseline().configs().get(key);
      if (consumers.isEmpty() || recorded == null || excludedConfig.test(ref)) {
        continue;
      }
      String current = declared.currentConfigHash(key, recorded);
      if (!recorded.equals(current)) {
        String change = current.isEmpty() ? "was deleted" : recorded.isEmpty() ? "was created" : "changed";
        out.add(Finding.of(DriftReason.ConfigChanged, consumers,
            ref.kind() + " " + ref.name() + " " + change + " since the pod started", now));
      }
    }
  }

  private static void findWritableRootFilesystems(Pod pod, Set<String> excluded, Instant now, List<Finding> out) {
    for (Container container : PodContainers.of(pod.getSpec())) {
      if (!excluded.contains(container.getName()) && !readOnlyRoot(container.getSecurityContext())) {
        out.add(Finding.of(DriftReason.WritableRootFilesystem, container.getName(),
            "container " + container.getName() + " runs without securityContext.readOnlyRootFilesystem: true", now));
      }
    }
  }

  private static boolean readOnlyRoot(SecurityContext context) {
    return context != null && Boolean.TRUE.equals(context.getReadOnlyRootFilesystem());
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** Statuses of containers, init containers and sidecars. */
  private static List<ContainerStatus> statuses(Pod pod) {
    if (pod.getStatus() == null) {
      return List.of();
    }
    List<ContainerStatus> all = new ArrayList<>(nullSafe(pod.getStatus().getContainerStatuses()));
    all.addAll(nullSafe(pod.getStatus().getInitContainerStatuses()));
    return all;
  }
}
