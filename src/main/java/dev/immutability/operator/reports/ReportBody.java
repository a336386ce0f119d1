package dev.immutability.operator.reports;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of one namespace's report (results and summary), kept below a size in bytes: past it, pass results
 * go first, then the oldest findings, so what is left is what needs attention now. A pure function.
 */
final class ReportBody {
  /** Room for the object's metadata, summary and JSON framing beside the results. */
  static final int OVERHEAD = 2048;

  /** @param dropped results left out to stay below the size */
  record Built(List<Map<String, Object>> results, Map<String, Integer> summary, int dropped) {}

  private ReportBody() {}

  static Built build(String namespace, Collection<ReportResult> results, int maxBytes) {
    List<ReportResult> kept = new ArrayList<>(results);
    // Least worth keeping first: passes before findings, older before newer.
    kept.sort(Comparator.comparing((ReportResult r) -> !ReportResult.PASS.equals(r.result()))
        .thenComparing(ReportResult::timestamp).thenComparing(ReportResult::pod).thenComparing(ReportResult::rule));
    List<Integer> sizes = kept.stream().map(r -> size(r.toJson(namespace))).toList();
    long total = OVERHEAD + sizes.stream().mapToLong(Integer::longValue).sum();
    int dropped = 0;
    while (dropped < kept.size() && total > maxBytes) {
      total -= sizes.get(dropped);
      dropped++;
    }
    List<ReportResult> shown = new ArrayList<>(kept.subList(dropped, kept.size()));
    shown.sort(Comparator.comparing(ReportResult::pod).thenComparing(ReportResult::rule));
    Map<String, Integer> summary = new LinkedHashMap<>();
    for (String result : List.of(ReportResult.PASS, ReportResult.FAIL, "warn", "error", ReportResult.SKIP)) {
      summary.put(result, (int) shown.stream().filter(r -> r.result().equals(result)).count());
    }
    return new Built(shown.stream().map(r -> r.toJson(namespace)).toList(), summary, dropped);
  }

  private static int size(Map<String, Object> json) {
    // +1 for the comma between results.
    return Serialization.asJson(json).getBytes(StandardCharsets.UTF_8).length + 1;
  }
}
