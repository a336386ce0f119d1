package dev.immutability.operator.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.Finding;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator keeps on a pod, so nothing is lost when the operator restarts: the baseline and the
 * findings as annotations, a label to select drifted pods by, and a pod condition.
 */
public final class PodRecords {
  public static final String FINDINGS_ANNOTATION = "immutability.dev/findings";
  public static final String BASELINE_ANNOTATION = "immutability.dev/baseline";
  public static final String DRIFTED_LABEL = "immutability.dev/drifted";
  public static final String CONDITION_TYPE = "immutability.dev/Immutable";

  private static final Logger log = LoggerFactory.getLogger(PodRecords.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PodRecords() {}

  public static List<Finding> findings(Pod pod) {
    return read(pod, FINDINGS_ANNOTATION, new TypeReference<List<Finding>>() {}).orElse(List.of());
  }

  public static Optional<Baseline> baseline(Pod pod) {
    return read(pod, BASELINE_ANNOTATION, new TypeReference<Baseline>() {});
  }

  public static boolean isDrifted(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(DRIFTED_LABEL));
  }

  /** Whether anything the operator writes is on the pod: baseline, findings, the drifted label or the condition. */
  public static boolean hasRecords(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    Map<String, String> labels = pod.getMetadata().getLabels();
    return (annotations != null && (annotations.containsKey(BASELINE_ANNOTATION)
        || annotations.containsKey(FINDINGS_ANNOTATION)))
        || (labels != null && labels.containsKey(DRIFTED_LABEL))
        || (pod.getStatus() != null && pod.getStatus().getConditions() != null
            && pod.getStatus().getConditions().stream().anyMatch(c -> CONDITION_TYPE.equals(c.getType())));
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value, e);
    }
  }

  // An annotation someone else edited into garbage is treated as absent, so the pod is evaluated afresh.
  private static <T> Optional<T> read(Pod pod, String annotation, TypeReference<T> type) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(annotation);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(JSON.readValue(text, type));
    } catch (JsonProcessingException e) {
      log.warn("ignoring unreadable annotation {} on pod {}/{}: {}", annotation, pod.getMetadata().getNamespace(),
          pod.getMetadata().getName(), e.getOriginalMessage());
      return Optional.empty();
    }
  }
}
