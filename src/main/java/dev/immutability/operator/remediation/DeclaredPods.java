package dev.immutability.operator.remediation;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.PodContainers;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.HashMap;
import java.util.Map;

/** Builds the fresh pod that replaces a drifted bare pod: its declared spec, without what drifted. */
public final class DeclaredPods {
  private DeclaredPods() {}

  /**
   * Same name, labels, annotations and spec as declared: the images of the baseline, no ephemeral containers, no
   * node binding (the scheduler places it again), and none of the operator's records of the old pod.
   */
  public static Pod replacementFor(Pod drifted, Baseline baseline) {
    ObjectMeta old = drifted.getMetadata();
    Map<String, String> labels = new HashMap<>(old.getLabels() == null ? Map.of() : old.getLabels());
    labels.remove(PodRecords.DRIFTED_LABEL);
    Map<String, String> annotations = new HashMap<>(old.getAnnotations() == null ? Map.of() : old.getAnnotations());
    annotations.remove(PodRecords.FINDINGS_ANNOTATION);
    annotations.remove(PodRecords.BASELINE_ANNOTATION);
    ObjectMeta metadata = new ObjectMetaBuilder().withName(old.getName()).withNamespace(old.getNamespace())
        .withLabels(labels).withAnnotations(annotations).withOwnerReferences(old.getOwnerReferences())
        .withFinalizers(old.getFinalizers()).build();
    // The builder copies deeply, so the cached pod is never modified.
    PodSpec spec = new PodSpecBuilder(drifted.getSpec()).withNodeName(null).build();
    spec.setEphemeralContainers(null);
    if (baseline != null) {
      for (Container container : PodContainers.of(spec)) {
        String declared = baseline.images().get(container.getName());
        if (declared != null) {
          container.setImage(declared);
        }
      }
    }
    return new PodBuilder().withMetadata(metadata).withSpec(spec).build();
  }
}
