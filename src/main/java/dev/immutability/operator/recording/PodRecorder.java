package dev.immutability.operator.recording;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.Finding;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Writes {@link PodRecords} onto pods. Patches carry the pod's resourceVersion, so two writers (the reconciler and
 * the webhook) never overwrite each other's findings: the loser gets a conflict and retries on fresh data.
 */
public final class PodRecorder {
  private static final int HTTP_NOT_FOUND = 404;
  private final PodMetadataPatch patches;
  private final BiConsumer<String, ObjectMeta> written;

  /** {@code written} is told each write: the resourceVersion it was made on, and the pod's metadata as it left it. */
  public PodRecorder(KubernetesClient client, BiConsumer<String, ObjectMeta> written) {
    this.patches = new PodMetadataPatch(client);
    this.written = written;
  }

  public void recordBaseline(Pod pod, Baseline baseline) {
    patchMetadata(pod, Map.of("annotations", Map.of(PodRecords.BASELINE_ANNOTATION, PodRecords.toJson(baseline))));
  }

  /** Replaces the pod's findings with {@code findings}; an empty list marks the pod clean again. */
  public void recordFindings(Pod pod, List<Finding> findings, Instant now) {
    recordFindings(pod, findings, Optional.empty(), now);
  }

  /** As {@link #recordFindings(Pod, List, Instant)}, with the pod's first baseline in the same write. */
  public void recordFindings(Pod pod, List<Finding> findings, Optional<Baseline> baseline, Instant now) {
    recordCondition(writeFindings(pod, findings, baseline), findings, now);
  }

  /** The findings (and a first baseline) without the condition that follows them; returns the pod's metadata as written. */
  public ObjectMeta writeFindings(Pod pod, List<Finding> findings, Optional<Baseline> baseline) {
    boolean drifted = !findings.isEmpty();
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(PodRecords.FINDINGS_ANNOTATION, drifted ? PodRecords.toJson(findings) : null);
    baseline.ifPresent(b -> annotations.put(PodRecords.BASELINE_ANNOTATION, PodRecords.toJson(b)));
    Map<String, Object> labels = new HashMap<>();
    labels.put(PodRecords.DRIFTED_LABEL, drifted ? "true" : null);
    return patchMetadata(pod, Map.of("annotations", annotations, "labels", labels));
  }

  /** The pod's condition for its {@code findings}: written after them, or again when that write failed. */
  public void recordCondition(ObjectMeta recorded, List<Finding> findings, Instant now) {
    boolean drifted = !findings.isEmpty();
    String reasons = findings.stream().map(f -> f.reason().name()).distinct().sorted().collect(Collectors.joining(","));
    Map<String, Object> condition = Map.of(
        "type", PodRecords.CONDITION_TYPE,
        "status", drifted ? "False" : "True",
        "reason", drifted ? "DriftDetected" : "NoDrift",
        "message", drifted ? "drift found: " + reasons : "the pod is as declared",
        "lastTransitionTime", now.toString());
    // Strategic merge keys pod conditions by type, so the kubelet's own conditions stay untouched.
    patchStatus(recorded, condition);
  }

  /**
   * Without a precondition: the condition follows the findings just written even if someone wrote the pod in
   * between. {@code written} is told the version the metadata write left as its base, so a write that slipped in
   * between is never taken for one of ours.
   */
  private void patchStatus(ObjectMeta recorded, Map<String, Object> condition) {
    String base = recorded.getResourceVersion();
    try {
      written.accept(base, patches.patch(recorded, "status", PodMetadataPatch.STRATEGIC_MERGE,
          PodRecords.toJson(Map.of("status", Map.of("conditions", List.of(condition))))));
    } catch (KubernetesClientException e) {
      // The findings just written can get the pod replaced before its condition is: nothing left to mark.
      if (e.getCode() != HTTP_NOT_FOUND) {
        throw e;
      }
    }
  }

  /** Removes everything the operator keeps on the pod, e.g. once no policy selects it any more. */
  public void clearRecords(Pod pod) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(PodRecords.BASELINE_ANNOTATION, null);
    annotations.put(PodRecords.FINDINGS_ANNOTATION, null);
    Map<String, Object> labels = new HashMap<>();
    labels.put(PodRecords.DRIFTED_LABEL, null);
    ObjectMeta cleared = patchMetadata(pod, Map.of("annotations", annotations, "labels", labels));
    // Strategic merge's delete directive removes our condition by its type and leaves the kubelet's alone.
    patchStatus(cleared, Map.of("type", PodRecords.CONDITION_TYPE, "$patch", "delete"));
  }

  private ObjectMeta patchMetadata(Pod pod, Map<String, Object> metadata) {
    String base = pod.getMetadata().getResourceVersion();
    Map<String, Object> withVersion = new HashMap<>(metadata);
    withVersion.put("resourceVersion", base);
    ObjectMeta result = patches.patch(pod.getMetadata(), "", PodMetadataPatch.MERGE,
        PodRecords.toJson(Map.of("metadata", withVersion)));
    written.accept(base, result);
    return result;
  }
}
