package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodRecordsTest {
  private static final Instant WHEN = Instant.parse("2026-01-01T00:00:00.123Z");

  private static Pod annotated(String key, String value) {
    return TestPods.running().editMetadata().addToAnnotations(key, value).endMetadata().build();
  }

  @Test
  void findingsRoundTripThroughTheAnnotation() {
    List<Finding> findings = List.of(
        Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", WHEN).withPolicies(List.of("a", "b")),
        Finding.of(DriftReason.EphemeralContainer, null, "pod-level", WHEN));
    Pod pod = annotated(PodRecords.FINDINGS_ANNOTATION, PodRecords.toJson(findings));
    assertThat(PodRecords.findings(pod)).isEqualTo(findings);
  }

  @Test
  void baselineRoundTripsThroughTheAnnotation() {
    Baseline baseline = new Baseline(Map.of("app", "nginx:1.27"), Map.of("app", TestPods.DIGEST_A),
        Map.of("Secret/s", "sha256:1"), WHEN);
    assertThat(PodRecords.baseline(annotated(PodRecords.BASELINE_ANNOTATION, PodRecords.toJson(baseline))))
        .contains(baseline);
  }

  @Test
  void aBaselineRecordedBeforeAdmittedImagesWereKnownStillReads() {
    String older = "{\"images\":{\"app\":\"nginx:1.27\"},\"imageDigests\":{\"app\":\"" + TestPods.DIGEST_A
        + "\"},\"configs\":{},\"recordedAt\":\"2026-01-01T00:00:00.123Z\"}";
    assertThat(PodRecords.baseline(annotated(PodRecords.BASELINE_ANNOTATION, older))).contains(new Baseline(
        Map.of("app", "nginx:1.27"), Map.of("app", TestPods.DIGEST_A), Map.of(), WHEN, false));
  }

  @Test
  void unreadableAnnotationsAreTreatedAsAbsent() {
    assertThat(PodRecords.findings(annotated(PodRecords.FINDINGS_ANNOTATION, "{not json"))).isEmpty();
    assertThat(PodRecords.findings(annotated(PodRecords.FINDINGS_ANNOTATION, "[{\"reason\":\"Nope\"}]"))).isEmpty();
    assertThat(PodRecords.baseline(annotated(PodRecords.BASELINE_ANNOTATION, "42"))).isEmpty();
    assertThat(PodRecords.findings(TestPods.pod())).isEmpty();
  }

  @Test
  void theDriftedLabelMarksDriftedPods() {
    assertThat(PodRecords.isDrifted(TestPods.pod())).isFalse();
    Pod drifted = TestPods.running().editMetadata().addToLabels(PodRecords.DRIFTED_LABEL, "true").endMetadata().build();
    assertThat(PodRecords.isDrifted(drifted)).isTrue();
  }

  @Test
  void anyOfTheOperatorsRecordsCounts() {
    assertThat(PodRecords.hasRecords(TestPods.pod())).isFalse();
    assertThat(PodRecords.hasRecords(annotated(PodRecords.BASELINE_ANNOTATION, "{}"))).isTrue();
    assertThat(PodRecords.hasRecords(annotated(PodRecords.FINDINGS_ANNOTATION, "[]"))).isTrue();
    assertThat(PodRecords.hasRecords(annotated("other.io/annotation", "x"))).isFalse();
    assertThat(PodRecords.hasRecords(TestPods.running().editMetadata().addToLabels(PodRecords.DRIFTED_LABEL, "true")
        .endMetadata().build())).isTrue();
    assertThat(PodRecords.hasRecords(TestPods.running().editStatus().addNewCondition()
        .withType(PodRecords.CONDITION_TYPE).withStatus("True").endCondition().endStatus().build())).isTrue();
    assertThat(PodRecords.hasRecords(TestPods.running().editStatus().addNewCondition()
        .withType("Ready").withStatus("True").endCondition().endStatus().build())).isFalse();
  }
}
