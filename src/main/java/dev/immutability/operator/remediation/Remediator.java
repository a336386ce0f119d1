package dev.immutability.operator.remediation;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.reconciler.ClusterView;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.remediation.RemediationOutcome.Action;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces drifted pods within a policy's limits: controller-owned pods through the Eviction API (so
 * PodDisruptionBudgets hold; the controller recreates them from its template) or a delete, bare pods by delete and
 * recreate; at most maxUnavailable in flight per policy; refusals retried with exponential backoff.
 */
public final class Remediator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Remediator.class);
  private static final Duration IN_FLIGHT_RECHECK = Duration.ofSeconds(2);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final ClusterView view;
  private final ReplacementLedger ledger;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final InFlightReplacements inFlight;
  private final BarePodRecreator barePods;
  private final Map<String, Object> policyLocks = new ConcurrentHashMap<>();
  private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
  private final Set<String> dryRunReported = ConcurrentHashMap.newKeySet();

  public Remediator(KubernetesClient client, ClusterView view, ReplacementLedger ledger, EventRecorder events,
      OperatorMetrics metrics, Clock clock, Duration replacementTimeout) {
    this.client = client;
    this.view = view;
    this.ledger = ledger;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.inFlight = new InFlightReplacements(view, replacementTimeout);
    this.barePods = new BarePodRecreator(client, events);
  }

  public static String policyKey(ImmutabilityPolicy policy) {
    return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
  }

  public RemediationOutcome remediate(Pod pod, ImmutabilityPolicy policy, List<Finding> drift) {
    Remediation remediation = policy.getSpec().getRemediation();
    List<Finding> findings = drift.stream().filter(f -> healedByReplacement(f, policy)).toList();
    if (findings.isEmpty() || !policy.getSpec().getMode().replacesPods()
        || remediation.getStrategy() == Strategy.None || PodReadiness.isTerminating(pod)) {
      return RemediationOutcome.none();
    }
    Instant now = clock.instant();
    Instant due = findings.stream().map(f -> dueAt(f, remediation.execGrace())).min(Instant::compareTo).orElse(now);
    if (now.isBefore(due)) {
      return new RemediationOutcome(Action.Waiting, "exec grace period", Duration.between(now, due));
    }
    String key = policyKey(policy);
    String reasons = findings.stream().map(f -> f.reason().name()).distinct().collect(Collectors.joining(","));
    if (remediation.isDryRun()) {
      if (dryRunReported.add(pod.getMetadata().getUid())) {
        ledger.actions(key, actions(pod, findings, "WouldReplace"));
        events.normal(pod, "WouldReplace", "dry run: policy " + policy.getMetadata().getName()
            + " would replace this pod (" + reasons + ")");
        metrics.podReplacement(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), "DryRun");
      }
      return new RemediationOutcome(Action.WouldReplace, "dry run", null);
    }
    synchronized (policyLocks.computeIfAbsent(key, k -> new Object())) {
      List<Pod> selected = view.podsSelectedBy(policy);
      int limit = remediation.maxUnavailableOf(selected.size());
      long unavailable = selected.stream().filter(p -> !PodReadiness.isReady(p)).count();
      long busy = Math.max(inFlight.count(key, now), unavailable);
      if (busy >= limit) {
        return new RemediationOutcome(Action.Waiting,
            busy + " replacement(s) in flight, maxUnavailable " + limit, IN_FLIGHT_RECHECK);
      }
      return replace(pod, policy, findings, reasons, now);
    }
  }

  private RemediationOutcome replace(Pod pod, ImmutabilityPolicy policy, List<Finding> findings, String reasons,
      Instant now) {
    String key = policyKey(policy);
    String namespace = pod.getMetadata().getNamespace();
    String policyName = policy.getMetadata().getName();
    boolean bare = ClusterView.controllerOf(pod).isEmpty();
    try {
      if (bare) {
        barePods.replace(pod, PodRecords.baseline(pod).orElse(null));
      } else if (policy.getSpec().getRemediation().getStrategy() == Strategy.Evict) {
        boolean evicted = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).evict();
        if (!evicted) {
          return refused(pod, policy, "EvictionBlocked",
              "eviction refused, most likely by a PodDisruptionBudget", now);
        }
      } else {
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
      }
    } catch (KubernetesClientException e) {
      return refused(pod, policy, "ReplacementFailed", "the API server refused the replacement: " + e.getMessage(), now);
    }
    refusals.remove(pod.getMetadata().getUid());
    inFlight.started(key, pod, now);
    ledger.replaced(key, pod.getMetadata().getName(), actions(pod, findings, "Replaced"));
    metrics.podReplacement(namespace, policyName, "Replaced");
    String message = "replaced by policy " + policyName + " (" + reasons + ")" + (bare ? ": deleted and recreated" : "");
    events.normal(pod, "PodReplaced", message);
    events.normal(policy, "PodReplaced", "pod " + pod.getMetadata().getName() + " " + message);
    log.info("pod {}/{} {}", namespace, pod.getMetadata().getName(), message);
    return new RemediationOutcome(Action.Started, message, null);
  }

  private RemediationOutcome refused(Pod pod, ImmutabilityPolicy policy, String reason, String message, Instant now) {
    int attempt = refusals.merge(pod.getMetadata().getUid(), 1, Integer::sum);
    Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 10));
    backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    ledger.blocked(policyKey(policy), new ReplacementLedger.Blocked(pod.getMetadata().getName(), reason, message, now));
    metrics.podReplacement(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), "Blocked");
    if (attempt == 1) {
      events.warning(pod, reason, message + "; retrying with backoff");
    }
    log.info("replacement of pod {}/{} refused (attempt {}), retry in {}: {}", pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(), attempt, backoff, message);
    return new RemediationOutcome(Action.Blocked, message, backoff);
  }

  /**
   * A session heard without the API server's client certificate is not trusted to evict.
   * A writable root filesystem comes from the declared spec itself, so a replacement would have it too and be
   * replaced again, forever. It is healed by replacement only where admission makes the new pod read-only
   * (Enforce with rootFilesystem.mutate); otherwise it is reported, not acted on.
   */
  public static boolean healedByReplacement(Finding finding, ImmutabilityPolicy policy) {
    if (finding.unauthenticated()) {
      // Anyone who reaches the webhook could have forged it: record it, evict nothing on its word.
      return policy.getSpec().getRemediation().isReplaceOnUnauthenticatedSessions();
    }
    return finding.reason() != DriftReason.WritableRootFilesystem
        || (policy.getSpec().getMode() == Mode.Enforce && policy.getSpec().getRootFilesystem().isMutate());
  }

  /** Sessions wait out the exec grace period; every other drift is due at once. */
  private static Instant dueAt(Finding finding, Duration execGrace) {
    boolean session = finding.reason() == DriftReason.ExecSession || finding.reason() == DriftReason.AttachSession;
    return session ? finding.detectedAt().plus(execGrace) : finding.detectedAt();
  }

  /** What was done, once for each finding, so the policy status shows it against every one of them. */
  private static List<RecentFinding> actions(Pod pod, List<Finding> findings, String action) {
    return findings.stream().map(f -> new RecentFinding(pod.getMetadata().getName(), f.container(), f.reason().name(),
        f.message(), f.detectedAt().toString(), action)).toList();
  }


  /** Drops what is kept for a deleted policy. */
  public void forget(String policyKey) {
    inFlight.forget(policyKey);
    ledger.forget(policyKey);
    policyLocks.remove(policyKey);
  }

  @Override
  public void close() {
    barePods.close();
  }
}
