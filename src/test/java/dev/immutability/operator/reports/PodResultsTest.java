package dev.immutability.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodResultsTest {
  private static final Pod POD = new PodBuilder().withNewMetadata().withName("web-1").withUid("u1")
      .withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
  private static final Instant T1 = Instant.parse("2026-01-02T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-01-03T00:00:00Z");

  @Test
  void aCleanPodPassesSinceItWasCreated() {
    assertThat(PodResults.of(POD, "strict", List.of(), List.of())).containsExactly(new ReportResult("web-1", "u1",
        "strict", "NoDrift", "pass", "low", "the pod is as declared", Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void oneResultPerReasonWithTheEarliestTimeAndEveryContainer() {
    Finding a = new Finding(DriftReason.ImageChanged, "app", "nginx:1.27 -> nginx:1.28", T2, List.of("strict"));
    Finding b = new Finding(DriftReason.ImageChanged, "sidecar", "envoy:1 -> envoy:2", T1, List.of("strict"));
    Finding c = new Finding(DriftReason.ConfigChanged, null, "ConfigMap settings changed", T2, List.of("other"));
    List<ReportResult> results = PodResults.of(POD, "strict", List.of(a, b, c), List.of());
    assertThat(results).extracting(ReportResult::rule).containsExactly("ImageChanged", "ConfigChanged");
    assertThat(results.get(0)).satisfies(r -> {
      assertThat(r.result()).isEqualTo("fail");
      assertThat(r.severity()).isEqualTo("high");
      assertThat(r.timestamp()).isEqualTo(T1);
      assertThat(r.message()).contains("container app: nginx:1.27 -> nginx:1.28", "container sidecar: envoy:1");
    });
    assertThat(results.get(1)).satisfies(r -> {
      assertThat(r.policy()).isEqualTo("other");
      assertThat(r.severity()).isEqualTo("medium");
    });
  }

  @Test
  void aMessageThatNamesItsContainerIsNotPrefixedAgain() {
    Finding exec = new Finding(DriftReason.ExecSession, "app", "alice ran [sh] in container app", T1, List.of("strict"));
    assertThat(PodResults.of(POD, "strict", List.of(exec), List.of())).singleElement()
        .satisfies(r -> assertThat(r.message()).isEqualTo("alice ran [sh] in container app"));
  }

  @Test
  void aReasonAnExceptionHoldsIsSkipped() {
    Finding exec = new Finding(DriftReason.ExecSession, "app", "kubectl exec by alice: sh", T1, List.of("strict"));
    assertThat(PodResults.of(POD, "strict", List.of(exec), List.of(exec))).singleElement().satisfies(r -> {
      assertThat(r.result()).isEqualTo("skip");
      assertThat(r.message()).isEqualTo("held by an exception: container app: kubectl exec by alice: sh");
    });
  }
}
