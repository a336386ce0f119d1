package dev.immutability.operator.reports;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result of a policy report: a pod's outcome for one drift reason, or its pass when it has no drift.
 *
 * @param result pass, fail, or skip (an exception holds the finding back)
 * @param severity high, medium or low
 */
public record ReportResult(String pod, String podUid, String policy, String rule, String result, String severity,
    String message, Instant timestamp) {
  public static final String SOURCE = "immutability-operator";
  static final String PASS = "pass";
  static final String FAIL = "fail";
  static final String SKIP = "skip";

  /** The result as the report APIs (wgpolicyk8s.io, openreports.io) spell it. */
  Map<String, Object> toJson(String namespace) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", SOURCE);
    json.put("policy", policy);
    json.put("rule", rule);
    json.put("result", result);
    json.put("severity", severity);
    json.put("scored", true);
    json.put("message", message);
    json.put("timestamp", Map.of("seconds", timestamp.getEpochSecond(), "nanos", 0));
    json.put("resources", List.of(Map.of("apiVersion", "v1", "kind", "Pod", "namespace", namespace, "name", pod,
        "uid", podUid)));
    return json;
  }
}
