package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.PolicyValidation;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.remediation.PodReadiness;
import dev.immutability.operator.remediation.Remediator;
import dev.immutability.operator.remediation.ReplacementLedger;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps each policy's status true: validates it, counts the pods it selects and those drifted, and takes in what
 * remediation did. Triggered by policy changes and by the pod reconciler (a pod came up, its findings changed, a
 * replacement moved on); a periodic resync catches pods that went away.
 */
@ControllerConfiguration(name = "policy-status")
// Pods trigger the status (a baseline, findings, a replacement): at start-up ten thousand of them in a minute. Twice
// a second per policy is recent enough for kubectl, and keeps the recount of a policy's pods off the busy path.
@RateLimited(maxReconciliations = 2, within = 1, unit = TimeUnit.SECONDS)
public class PolicyReconciler implements Reconciler<ImmutabilityPolicy> {
  private static final Duration RESYNC = Duration.ofSeconds(10);
  private static final Duration CACHE_WAIT = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final ClusterView view;
  private final ReplacementLedger ledger;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final SimpleInboundEventSource<ImmutabilityPolicy> triggers = new SimpleInboundEventSource<>("pod-changes");

  public PolicyReconciler(KubernetesClient client, ClusterView view, ReplacementLedger ledger, OperatorMetrics metrics,
      Clock clock) {
    this.client = client;
    this.view = view;
    this.ledger = ledger;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Asks for the policy's status to be recomputed, e.g. after a pod's findings changed. */
  public void trigger(ResourceID policy) {
    triggers.propagateEvent(policy);
  }

  @Override
  public List<EventSource<?, ImmutabilityPolicy>> prepareEventSources(EventSourceContext<ImmutabilityPolicy> context) {
    return List.of(triggers);
  }

  @Override
  public UpdateControl<ImmutabilityPolicy> reconcile(ImmutabilityPolicy policy, Context<ImmutabilityPolicy> context) {
    if (!view.isSynced()) {
      return UpdateControl.<ImmutabilityPolicy>noUpdate().rescheduleAfter(CACHE_WAIT);
    }
    List<Pod> selected = view.podsSelectedBy(policy).stream().filter(p -> !PodReadiness.isTerminating(p)).toList();
    String key = Remediator.policyKey(policy);
    List<Pod> drifted = PolicyStatusBuilder.driftedFor(policy.getMetadata().getName(), selected);
    ledger.retainBlocked(key, drifted.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet()));
    ReplacementLedger.Drained drained = ledger.drain(key);
    ImmutabilityPolicyStatus status = PolicyStatusBuilder.build(policy, PolicyValidation.problems(policy.getSpec()),
        selected, drained, ledger.oldestBlocked(key), clock.instant());
    metrics.driftedPods(policy.getMetadata().getNamespace(), policy.getMetadata().getName(),
        drifted.size());
    if (!sameStatus(policy.getStatus(), status)) {
      try {
        ImmutabilityPolicy update = new ImmutabilityPolicy();
        update.setMetadata(policy.getMetadata());
        update.setSpec(policy.getSpec());
        update.setStatus(status);
        client.resource(update).updateStatus();
      } catch (KubernetesClientException e) {
        ledger.restore(key, drained);
        if (e.getCode() != PodDriftReconciler.HTTP_CONFLICT) {
          throw e;
        }
        // A newer version of the policy exists; its event recomputes the status.
        return UpdateControl.<ImmutabilityPolicy>noUpdate().rescheduleAfter(PodDriftReconciler.CONFLICT_RETRY);
      }
    }
    return UpdateControl.<ImmutabilityPolicy>noUpdate().rescheduleAfter(RESYNC);
  }

  /** Condition times move only with their status, so an unchanged policy compares equal and writes nothing. */
  private static boolean sameStatus(ImmutabilityPolicyStatus before, ImmutabilityPolicyStatus after) {
    return before != null && Objects.equals(Serialization.asJson(before), Serialization.asJson(after));
  }
}
