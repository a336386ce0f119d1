package dev.immutability.operator.reports;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A pod's report results from its findings: one per drift reason, or a single pass. A pure function. */
public final class PodResults {
  /** The rule of a pod's pass result. */
  static final String NO_DRIFT = "NoDrift";
  /** A result's message stays short, whatever the findings say; the pod's annotation has them all. */
  static final int MAX_MESSAGE = 1024;

  private PodResults() {}

  /**
   * @param governing the policy that governs the pod
   * @param excepted the findings an active exception holds back from remediation
   */
  public static List<ReportResult> of(Pod pod, String governing, List<Finding> findings, List<Finding> excepted) {
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    if (findings.isEmpty()) {
      String created = pod.getMetadata().getCreationTimestamp();
      return List.of(new ReportResult(name, uid, governing, NO_DRIFT, ReportResult.PASS, "low",
          "the pod is as declared", created == null ? Instant.EPOCH : Instant.parse(created)));
    }
    Map<DriftReason, List<Finding>> byReason = findings.stream()
        .collect(Collectors.groupingBy(Finding::reason, TreeMap::new, Collectors.toList()));
    List<ReportResult> results = new ArrayList<>();
    byReason.forEach((reason, same) -> {
      boolean held = excepted.containsAll(same);
      List<String> policies = same.get(0).policies();
      String policy = policies.contains(governing) || policies.isEmpty() ? governing : policies.get(0);
      String message = same.stream()
          .map(f -> (f.container() == null || f.message().contains("container " + f.container()) ? ""
              : "container " + f.container() + ": ") + f.message())
          .collect(Collectors.joining("; "));
      results.add(new ReportResult(name, uid, policy, reason.name(), held ? ReportResult.SKIP : ReportResult.FAIL,
          severity(reason), capped(held ? "held by an exception: " + message : message),
          same.stream().map(Finding::detectedAt).min(Comparator.naturalOrder()).orElseThrow()));
    });
    return List.copyOf(results);
  }

  /** Someone ran code in the container or changed what it runs: high; changed inputs: medium; exposure only: low. */
  static String severity(DriftReason reason) {
    return switch (reason) {
      case ExecSession, AttachSession, RuntimeDrift, ImageChanged, ImageDigestChanged -> "high";
      case EphemeralContainer, ConfigChanged -> "medium";
      case WritableRootFilesystem -> "low";
    };
  }

  private static String capped(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
