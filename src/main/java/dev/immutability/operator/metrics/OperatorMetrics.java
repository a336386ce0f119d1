package dev.immutability.operator.metrics;

import dev.immutability.operator.drift.DriftReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator's domain metrics. Labels are bounded: namespace, policy, reason, result; never a pod name.
 */
public final class OperatorMetrics {
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> driftedPods = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> blockedOwners = new ConcurrentHashMap<>();
  private final Timer detectionLatency;
  private final AtomicInteger leader = new AtomicInteger();
  private final Counter podEvaluations;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.detectionLatency = Timer.builder("immutability.detection.latency")
        .description("Time from the cluster event that showed drift to the finding being recorded on the pod")
        .publishPercentileHistogram().register(registry);
    registry.gauge("immutability.leader", Tags.empty(), leader);
    podEvaluations = Counter.builder("immutability.pod.evaluations")
        .description("Pod evaluations: one per pod event, and per pod a ConfigMap, Secret, owner or policy event maps to")
        .register(registry);
  }

  public void podEvaluated() {
    podEvaluations.increment();
  }

  /** 1 while this replica leads (always, without leader election), 0 otherwise. */
  public void leading(boolean leading) {
    leader.set(leading ? 1 : 0);
  }

  public boolean isLeading() {
    return leader.get() == 1;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void findingRecorded(String namespace, String policy, DriftReason reason) {
    Counter.builder("immutability.drift.findings").description("Drift findings recorded")
        .tags("namespace", namespace, "policy", policy, "reason", reason.name()).register(registry).increment();
  }

  public void detectionLatency(Duration latency) {
    detectionLatency.record(latency.isNegative() ? Duration.ZERO : latency);
  }

  /** result: Replaced, RolloutRestarted, DryRun, Blocked or TimedOut. */
  public void podReplacement(String namespace, String policy, String result) {
    Counter.builder("immutability.pod.replacements").description("Pod replacements attempted, by result")
        .tags("namespace", namespace, "policy", policy, "result", result).register(registry).increment();
  }

  /** kind: exec or attach; verdict: allowed or denied. */
  public void execSession(String namespace, String policy, String kind, String verdict) {
    Counter.builder("immutability.exec.sessions").description("Exec and attach sessions on selected pods")
        .tags("namespace", namespace, "policy", policy, "kind", kind, "verdict", verdict).register(registry).increment();
  }

  /** An exception took effect (Active) or expired (Expired). */
  public void exception(String namespace, String phase) {
    Counter.builder("immutability.exceptions").description("Exceptions that took effect or expired")
        .tags("namespace", namespace, "phase", phase).register(registry).increment();
  }

  /** A finding heard as it happened (exec, attach, runtime) could not be recorded: the queue was full or writes failed. */
  public void recordingDropped(DriftReason reason) {
    Counter.builder("immutability.recordings.dropped").description("Findings that could not be recorded on their pod")
        .tags("reason", reason.name()).register(registry).increment();
  }

  /** An Event was not emitted: the send queue was full or the API server refused it. */
  public void eventDropped() {
    Counter.builder("immutability.events.dropped").description("Kubernetes Events not emitted").register(registry)
        .increment();
  }

  /** A periodic task failed; it is retried at its next run. */
  public void backgroundTaskFailed(String task) {
    Counter.builder("immutability.background.task.failures").description("Failed runs of periodic tasks, retried")
        .tags("task", task).register(registry).increment();
  }

  public void driftedPods(String namespace, String policy, int count) {
    driftedPods.computeIfAbsent(namespace + "/" + policy, key -> registry.gauge("immutability.drifted.pods",
        Tags.of("namespace", namespace, "policy", policy), new AtomicInteger())).set(count);
  }

  /** A replacement reproduced the drift it was to heal; reason is the drift reason. */
  public void replacementLoop(String namespace, String policy, DriftReason reason) {
    Counter.builder("immutability.replacement.loops")
        .description("Replacements that did not heal: the replacement showed the same drift again within the loop window")
        .tags("namespace", namespace, "policy", policy, "reason", reason.name()).register(registry).increment();
  }

  /** Owners whose replacement did not become available (or bare pods not recreated) and that have not recovered. */
  public void blockedOwners(String namespace, String policy, int count) {
    blockedOwners.computeIfAbsent(namespace + "/" + policy, key -> registry.gauge("immutability.replacements.blocked",
        Tags.of("namespace", namespace, "policy", policy), new AtomicInteger())).set(count);
  }

  public void policyDeleted(String namespace, String policy) {
    for (var entry : Map.of("immutability.drifted.pods", driftedPods,
        "immutability.replacements.blocked", blockedOwners).entrySet()) {
      if (entry.getValue().remove(namespace + "/" + policy) != null) {
        registry.find(entry.getKey()).tags("namespace", namespace, "policy", policy).meters()
            .forEach(registry::remove);
      }
    }
  }

  /** kind: the report's kind (PolicyReport, Report); operation: apply or delete. */
  public void policyReportWritten(String kind, String operation) {
    Counter.builder("immutability.policy.report.writes").description("Writes of policy reports, by kind and operation")
        .tags("kind", kind, "operation", operation).register(registry).increment();
  }

  /** Results left out of a namespace's policy report to keep it below the API's object size. */
  public void policyReportResultsDropped(String namespace, int count) {
    Counter.builder("immutability.policy.report.results.dropped")
        .description("Results left out of policy reports to keep them below the object size, oldest first")
        .tags("namespace", namespace).register(registry).increment(count);
  }

  /** A webhook or runtime-events request answered with an error status (refused, malformed, undecidable). */
  public void webhookError(int status) {
    Counter.builder("immutability.webhook.errors").description("Webhook requests answered with an error, by HTTP status")
        .tags("code", String.valueOf(status)).register(registry).increment();
  }

  public Timer webhookTimer(String operation) {
    return Timer.builder("immutability.webhook.request.duration").description("Admission webhook request handling time")
        .tag("operation", operation).publishPercentileHistogram().register(registry);
  }
}
