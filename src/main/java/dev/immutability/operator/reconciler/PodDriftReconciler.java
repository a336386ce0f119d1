package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.ConfigExclusions;
import dev.immutability.operator.drift.DriftDetector;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.drift.Findings;
import dev.immutability.operator.drift.PolicySelection;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.observe.CacheTransforms;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.observe.PodObservation;
import dev.immutability.operator.observe.OwnerDeclarations;
import dev.immutability.operator.recording.EventFindingMemory;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.recording.OwnWrites;
import dev.immutability.operator.recording.PodRecorder;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.remediation.PodReadiness;
import dev.immutability.operator.reports.PodResults;
import dev.immutability.operator.reports.PolicyReporter;
import dev.immutability.operator.remediation.RemediationOutcome;
import dev.immutability.operator.remediation.Remediator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Evaluates one pod per event: records its baseline, finds its drift, records the findings on it, and asks the
 * remediator to replace it. A ConfigMap, Secret, owner or policy event re-evaluates only the pods it concerns.
 */
@ControllerConfiguration(name = "pod-drift", generationAwareEventProcessing = false)
public class PodDriftReconciler implements Reconciler<Pod> {
  static final int HTTP_CONFLICT = 409;
  static final int HTTP_NOT_FOUND = 404;
  static final Duration CONFLICT_RETRY = Duration.ofMillis(500);
  /** ConfigMaps and Secrets per page of the informers' lists: at most ~1 MiB each, so a page stays a few tens of MiB. */
  static final long CONFIG_LIST_PAGE = 20;
  /** Pods and owners per page of the informers' lists. */
  static final long LIST_PAGE = 500;
  private final ClusterView view;
  private final PodRecorder recorder;
  private final EventRecorder events;
  private final Remediator remediator;
  private final OperatorMetrics metrics;
  private final Consumer<ResourceID> policyChanged;
  private final Consumer<ImmutabilityPolicy> policyDeleted;
  private final Clock clock;
  private final EventFindingMemory eventFindings;
  private final PolicyReporter reports;
  /** Pods that waited for a slot of maxUnavailable, woken when an owner's status frees one. */
  private final SimpleInboundEventSource<Pod> budgetFreed = new SimpleInboundEventSource<>("budget-freed");

  public PodDriftReconciler(ClusterView view, PodRecorder recorder, EventRecorder events, Remediator remediator,
      OperatorMetrics metrics, Consumer<ResourceID> policyChanged, Consumer<ImmutabilityPolicy> policyDeleted,
      Clock clock, EventFindingMemory eventFindings, PolicyReporter reports) {
    this.eventFindings = eventFindings;
    this.reports = reports;
    this.view = view;
    this.recorder = recorder;
    this.events = events;
    this.remediator = remediator;
    this.metrics = metrics;
    this.policyChanged = policyChanged;
    this.policyDeleted = policyDeleted;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Pod>> prepareEventSources(EventSourceContext<Pod> context) {
    context.getPrimaryCache().addIndexers(Map.of(
        ClusterView.CONFIG_INDEX, ClusterView::configIndexKeys,
        ClusterView.OWNER_INDEX, ClusterView::ownerIndexKeys,
        ClusterView.RECORDS_INDEX, ClusterView::recordsIndexKeys));
    var policies = new InformerEventSource<>(InformerEventSourceConfiguration.from(ImmutabilityPolicy.class, Pod.class)
        // Pods it selects, and pods carrying records that may have fallen out of its selector.
        .withSecondaryToPrimaryMapper(view::podsConcerning)
        // Its own status writes change nothing a pod's evaluation reads.
        .withOnUpdateFilter(PolicyChanges::concernPods)
        // The informer's delete is the one place a deleted policy is seen (policies carry no finalizer).
        .withOnDeleteFilter((policy, unknownState) -> {
          policyDeleted.accept(policy);
          return true;
        })
        .build(), context);
    // The caches keep keyed digests of ConfigMaps and Secrets, never their data; the first list comes in pages, so
    // a thousand large Secrets (Helm releases) never sit in memory at once.
    var configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, Pod.class)
        .withItemStore(new TransformingItemStore<>(view::digested)).withInformerListLimit(CONFIG_LIST_PAGE)
        .withSecondaryToPrimaryMapper(view::podsConsuming).build(), context);
    var secrets = new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class, Pod.class)
        .withItemStore(new TransformingItemStore<>(view::digested)).withInformerListLimit(CONFIG_LIST_PAGE)
        .withSecondaryToPrimaryMapper(view::podsConsuming).build(), context);
    Map<String, InformerEventSource<? extends HasMetadata, Pod>> owners = new LinkedHashMap<>();
    InformerEventSource<ReplicaSet, Pod> replicaSets = ownerSource(ReplicaSet.class, view::podsOfDeploymentOf,
        context);
    replicaSets.addIndexers(Map.of(ClusterView.REPLICA_SET_OWNER_INDEX, ClusterView::replicaSetOwnerKeys));
    owners.put("ReplicaSet", replicaSets);
    owners.put("StatefulSet", ownerSource(StatefulSet.class, view::podsOwnedBy, context));
    owners.put("DaemonSet", ownerSource(DaemonSet.class, view::podsOwnedBy, context));
    owners.put("Job", ownerSource(Job.class, view::podsOwnedBy, context));
    // A pod can be seen before the revision it was made from; the revision's arrival evaluates its owner's pods.
    var revisions = new InformerEventSource<>(InformerEventSourceConfiguration.from(ControllerRevision.class, Pod.class)
        .withItemStore(new TransformingItemStore<>(OwnerDeclarations::slim))
        .withSecondaryToPrimaryMapper(revision -> ClusterView.controllerOf(revision.getMetadata())
            .map(owner -> view.podsOwnedBy(owner.getUid())).orElse(Set.of()))
        .build(), context);
    view.attach(context.getPrimaryCache(), policies, configMaps, secrets, owners, revisions);
    // A new exception can hold a pending replacement; an expired one is noticed by the pods it held (requeued).
    var exceptions = new InformerEventSource<>(InformerEventSourceConfiguration.from(ImmutabilityException.class,
        Pod.class).withSecondaryToPrimaryMapper(view::podsExceptedBy).build(), context);
    view.attachExceptions(exceptions);

    List<EventSource<?, Pod>> sources = new ArrayList<>(List.of(policies, configMaps, secrets, revisions, exceptions,
        budgetFreed));
    sources.addAll(owners.values());
    return sources;
  }

  private <R extends HasMetadata> InformerEventSource<R, Pod> ownerSource(Class<R> kind,
      SecondaryToPrimaryMapper<R> pods, EventSourceContext<Pod> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(kind, Pod.class)
        .withName(kind.getSimpleName()).withItemStore(new TransformingItemStore<>(CacheTransforms::slimOwner))
        .withInformerListLimit(LIST_PAGE)
        .withOnUpdateFilter((updated, previous) -> {
          if (OwnerChanges.concernPods(updated, previous)) {
            return true;
          }
          remediator.ownerStatusChanged(updated.getMetadata().getNamespace(), budgetFreed::propagateEvent);
          return false;
        })
        .withSecondaryToPrimaryMapper(pods).build(), context);
  }

  /**
   * The pod cache keeps what evaluations read (see {@link CacheTransforms#slimPod}); the versions this reconciler
   * wrote itself are cached but not evaluated again.
   */
  public static void configure(ControllerConfigurationOverrider<Pod> configuration, OwnWrites ownWrites) {
    configuration.withItemStore(new TransformingItemStore<>(CacheTransforms::slimPod))
        .withOnUpdateFilter((updated, previous) -> !ownWrites.consume(updated, previous))
        .withInformerListLimit(LIST_PAGE);
  }

  @Override
  public UpdateControl<Pod> reconcile(Pod pod, Context<Pod> context) {
    // Controllers reconcile only once their informers have synced.
    view.markSynced();
    metrics.podEvaluated();
    try {
      return evaluate(pod);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HTTP_NOT_FOUND) {
        // Deleted since our cache saw it (evicted, rolled out): its delete event ends its evaluation.
        return UpdateControl.noUpdate();
      }
      if (e.getCode() != HTTP_CONFLICT) {
        throw e;
      }
      // Someone wrote the pod since our cache saw it (a kubelet, the webhook): its event brings us back.
      return UpdateControl.<Pod>noUpdate().rescheduleAfter(CONFLICT_RETRY);
    }
  }

  private UpdateControl<Pod> evaluate(Pod pod) {
    if (PodReadiness.isTerminating(pod) || PodReadiness.hasFinished(pod)) {
      reports.forget(pod);
      return UpdateControl.noUpdate();
    }
    Instant now = clock.instant();
    // The one read of the caches: everything below works from this observation.
    PodObservation seen = view.observe(pod, now);
    List<ImmutabilityPolicy> policies = seen.policies();
    if (policies.isEmpty()) {
      // No policy selects the pod any more (deleted, or its selector changed): nothing of ours stays on it.
      if (PodRecords.hasRecords(pod)) {
        recorder.clearRecords(pod);
      }
      eventFindings.rememberAll(pod.getMetadata().getUid(), List.of());
      reports.forget(pod);
      return UpdateControl.noUpdate();
    }
    Optional<Baseline> captured = seen.capturedBaseline();
    List<Finding> detected = detect(seen, now);
    List<Finding> recorded = PodRecords.findings(pod);
    // Sessions and runtime alerts show nowhere but in the records: one erased from the pod comes back from our copy.
    List<Finding> erased = eventFindings.erasedFrom(pod.getMetadata().getUid(), recorded);
    List<Finding> known = new ArrayList<>(recorded);
    known.addAll(erased);
    List<Finding> findings = Findings.merge(
        Findings.retainPolicies(known, policies.stream().map(p -> p.getMetadata().getName()).toList()), detected);
    boolean labelTampered = PodRecords.isDrifted(pod) == findings.isEmpty();
    eventFindings.rememberAll(pod.getMetadata().getUid(), findings);
    ImmutabilityPolicy governing = PolicySelection.governing(policies).orElseThrow();
    // The governing policy replaces pods only for what it looks for itself, and not while an exception holds it.
    List<Finding> governed = Findings.namingPolicy(findings, governing.getMetadata().getName());
    Exceptions.Held held = Exceptions.hold(governed, seen.exceptions(), now);
    reports.observe(pod, PodResults.of(pod, governing.getMetadata().getName(), findings,
        governed.stream().filter(f -> !held.actionable().contains(f)).toList()));
    // The replacement is decided before the records are written: when one change drifts a hundred pods, the first
    // eviction does not queue behind every sibling's record writes, and a pod on its way out gets none.
    RemediationOutcome outcome = remediator.remediate(pod, governing, held.actionable());
    // A pod whose replacement only waits its turn gets its records, and their Events, after a while, or with its
    // replacement: most such pods are gone before that.
    if ((!Findings.same(recorded, findings) || labelTampered) && !outcome.recordsDeferred()) {
      if (!erased.isEmpty()) {
        events.warning(pod, "RecordTampered", "findings erased from the pod were restored: " + erased.stream()
            .map(f -> f.reason() + " (" + f.message() + ")").collect(Collectors.joining(", ")));
      } else if (labelTampered && Findings.same(recorded, findings)) {
        events.warning(pod, "RecordTampered", "the " + PodRecords.DRIFTED_LABEL
            + " label did not match the pod's findings and was restored");
      }
      recordFindings(seen, governing, known, findings, outcome.action() == RemediationOutcome.Action.Started, now);
    } else if (captured.isPresent()) {
      recorder.recordBaseline(pod, captured.get());
      // A pod newly under the policies changes the count of pods they match.
      policies.forEach(p -> policyChanged.accept(ResourceID.fromResource(p)));
    }
    if (outcome.action() == RemediationOutcome.Action.None && held.until().isPresent()) {
      // Look again when the exception expires: its findings are then due.
      return UpdateControl.<Pod>noUpdate().rescheduleAfter(Duration.between(now, held.until().get()));
    }
    if (outcome.action() != RemediationOutcome.Action.None) {
      policyChanged.accept(ResourceID.fromResource(governing));
    }
    return outcome.retry().map(delay -> UpdateControl.<Pod>noUpdate().rescheduleAfter(delay))
        .orElseGet(UpdateControl::noUpdate);
  }

  /** Pure: what each governing policy finds on the pod, as observed. */
  static List<Finding> detect(PodObservation seen, Instant now) {
    List<Finding> detected = new ArrayList<>();
    for (ImmutabilityPolicy policy : seen.policies()) {
      List<String> name = List.of(policy.getMetadata().getName());
      var excludedConfig = ConfigExclusions.of(policy.getSpec().getExclude(), seen::configLabels);
      DriftDetector.detect(seen.pod(), seen.declared(), policy.getSpec(), excludedConfig, now)
          .forEach(f -> detected.add(f.withPolicies(name)));
    }
    return detected;
  }

  /**
   * Writes the findings on the pod, or, for a pod being replaced, only into the other policies' status (the
   * governing policy's shows the replacement); announces the new ones as Events either way.
   */
  private void recordFindings(PodObservation seen, ImmutabilityPolicy governing, List<Finding> recorded,
      List<Finding> findings, boolean podLeaving, Instant now) {
    Pod pod = seen.pod();
    List<ImmutabilityPolicy> policies = seen.policies();
    List<Finding> added = Findings.added(recorded, findings);
    if (!podLeaving) {
      recorder.recordFindings(pod, findings, seen.capturedBaseline(), now);
    } else {
      policies.stream().filter(p -> p != governing).forEach(p -> remediator.recorded(p, pod,
          Findings.namingPolicy(added, p.getMetadata().getName())));
    }
    if (!added.isEmpty()) {
      seen.latestWrite().ifPresent(changed -> metrics.detectionLatency(Duration.between(changed, now)));
    }
    for (Finding finding : added) {
      String message = finding.reason() + (finding.container() == null ? "" : " in container " + finding.container())
          + ": " + finding.message();
      events.warning(pod, "DriftDetected", message);
      for (ImmutabilityPolicy policy : policies) {
        if (finding.policies().contains(policy.getMetadata().getName())) {
          events.warning(policy, "DriftDetected", "pod " + pod.getMetadata().getName() + ": " + message);
          metrics.findingRecorded(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), finding.reason());
        }
      }
    }
    policies.forEach(p -> policyChanged.accept(ResourceID.fromResource(p)));
  }
}
