package dev.immutability.operator.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportBodyTest {
  private static ReportResult result(String pod, String outcome, long second) {
    return new ReportResult(pod, pod + "-uid", "p", outcome.equals("pass") ? "NoDrift" : "ImageChanged", outcome,
        "high", "x".repeat(200), Instant.ofEpochSecond(second));
  }

  private static String podOf(Map<String, Object> result) {
    return (String) ((Map<?, ?>) ((List<?>) result.get("resources")).get(0)).get("name");
  }

  @Test
  void everyResultIsKeptWithItsSummaryWhenTheReportFits() {
    ReportBody.Built built = ReportBody.build("ns", List.of(result("b", "fail", 2), result("a", "pass", 1),
        result("c", "skip", 3)), 1024 * 1024);
    assertThat(built.dropped()).isZero();
    assertThat(built.results()).extracting(ReportBodyTest::podOf).containsExactly("a", "b", "c");
    assertThat(built.summary()).containsEntry("pass", 1).containsEntry("fail", 1).containsEntry("skip", 1)
        .containsEntry("warn", 0).containsEntry("error", 0);
  }

  @Test
  void pastTheSizePassesGoFirstThenTheOldestFindings() {
    List<ReportResult> results = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      results.add(result("pass-" + i, "pass", 1000 + i));
      results.add(result("fail-" + i, "fail", 100 + i));
    }
    int one = ReportBody.build("ns", List.of(result("x", "fail", 1)), Integer.MAX_VALUE).results().toString().length();
    // Room for about eight results.
    ReportBody.Built built = ReportBody.build("ns", results, ReportBody.OVERHEAD + 8 * (one + 1));
    assertThat(built.dropped()).isEqualTo(results.size() - built.results().size()).isGreaterThanOrEqualTo(10);
    assertThat(built.summary().get("pass")).isZero();
    List<String> names = built.results().stream().map(ReportBodyTest::podOf).toList();
    assertThat(names).isNotEmpty().allSatisfy(n -> assertThat(n).startsWith("fail-"));
    // The newest findings are the ones kept.
    assertThat(names).contains("fail-9").doesNotContain("fail-0");
  }
}
