package dev.immutability.operator.remediation;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.RecentFinding;
import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.config.OperatorSettings;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.remediation.InFlightReplacements.Replacement;
import dev.immutability.operator.remediation.LoopGuard.Decision;
import dev.immutability.operator.remediation.RecreationIntents.Intent;
import dev.immutability.operator.remediation.RemediationOutcome.Action;
import dev.immutability.operator.remediation.RolloutRestarter.Restarts;
import dev.immutability.operator.remediation.RolloutRestarter.Workload;
import dev.immutability.operator.runtime.BoundedMaps;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces drifted pods without draining their workloads: controller-owned pods through the Eviction API (so
 * PodDisruptionBudgets hold), a delete, or a rollout restart of their workload; bare pods by delete and recreate.
 * Before a replacement it checks that the replacement can start and that the same replacement has not already
 * failed to heal; it stays within the policy's maxUnavailable (counting the pods owners want and lack) and the
 * cluster-wide rate; a replacement that never becomes available blocks its owner until the owner recovers.
 * Decisions are taken under a per-policy lock that covers cache reads only; API calls are made outside it.
 */
public final class Remediator implements AutoCloseable {
  public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  private static final Logger log = LoggerFactory.getLogger(Remediator.class);
  private static final Duration IN_FLIGHT_RECHECK = Duration.ofSeconds(2);
  private static final Duration BLOCKED_RECHECK = Duration.ofSeconds(10);
  private static final Duration CONFLICT_RETRY = Duration.ofSeconds(1);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** How long one count of a policy's unavailable pods serves its decisions: one scan per policy and pass. */
  private static final Duration SNAPSHOT_TTL = Duration.ofSeconds(1);
  /** Status writes of a namespace's owners within this time wake waiting pods once. */
  private static final Duration WAKEUP_COALESCING = Duration.ofMillis(50);
  static final Duration RECORDS_DEFERRAL = Duration.ofSeconds(10);
  private static final int MAX_PODS_REMEMBERED = 50_000;

  private record Snapshot(int matched, Unavailability unavailability, Instant takenAt) {}

  private record LoopCheck(List<Finding> replaceable, Instant retryAt) {}

  private final ClusterView view;
  private final ReplacementLedger ledger;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final Set<String> watchNamespaces;
  private final boolean barePodRecreation;
  private final InFlightReplacements inFlight;
  private final PodRemoval removal;
  private final BarePodRecreator barePods;
  private final ReplacementPreflight preflight;
  private final LoopGuard loops = new LoopGuard();
  private final ReplacementRateLimit rateLimit;
  private final RolloutRestarter restarter;
  private final ScheduledExecutorService timeouts =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("replacement-timeouts"));
  private final Map<String, Object> policyLocks = new ConcurrentHashMap<>();
  private final ExecutorService resumer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("resume-pod-recreations"));
  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final BudgetWaiters waiters = new BudgetWaiters();
  private final Map<String, Consumer<ResourceID>> dirtyNamespaces = new ConcurrentHashMap<>();
  private final ScheduledExecutorService wakeups =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("budget-wakeups"));
  /** When each pod about to be replaced started waiting its turn; bounded like the other per-pod state. */
  private final Map<String, Instant> waitingSince = BoundedMaps.lru(MAX_PODS_REMEMBERED);
  /** Per pod uid; bounded, since pods refused or reported and then deleted by others never say goodbye. */
  private final Map<String, Integer> refusals = BoundedMaps.lru(MAX_PODS_REMEMBERED);
  private final Set<String> reportedOnly = BoundedMaps.lruSet(MAX_PODS_REMEMBERED);

  public Remediator(KubernetesClient client, ClusterView view, ReplacementLedger ledger, EventRecorder events,
      OperatorMetrics metrics, Clock clock, OperatorSettings settings) {
    this.view = view;
    this.ledger = ledger;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.watchNamespaces = settings.watchNamespaces();
    this.barePodRecreation = settings.barePodRecreation();
    this.inFlight = new InFlightReplacements(view, settings.replacementTimeout());
    this.removal = new PodRemoval(client);
    this.barePods = new BarePodRecreator(client, new RecreationIntents(client, settings.leaseNamespace()), removal,
        events, new RecreationReports());
    this.preflight = new ReplacementPreflight(view, settings.webhook().enabled());
    this.rateLimit = new ReplacementRateLimit(settings.maxReplacementsPerMinute(), clock);
    this.restarter = new RolloutRestarter(client, view);
  }

  public static String policyKey(ImmutabilityPolicy policy) {
    return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
  }

  /** Finishes the bare-pod recreations an earlier run (or the previous leader) left undone. */
  public void resume() {
    // Never on the leader-election thread, and never failing it: a bad intent must not keep a leader from working.
    resumer.execute(() -> {
      try {
        barePods.resume(watchNamespaces);
      } catch (RuntimeException e) {
        metrics.backgroundTaskFailed("resume-pod-recreations");
        log.warn("could not resume pending pod recreations: {}", e.toString());
      }
    });
  }

  public RemediationOutcome remediate(Pod pod, ImmutabilityPolicy policy, List<Finding> drift) {
    RemediationOutcome outcome = decide(pod, policy, drift);
    if (outcome.action() != Action.Queued) {
      // Healed, replaced, held, refused or gone out of the policy: it no longer waits for a slot.
      waiters.done(policyKey(policy), ResourceID.fromResource(pod));
    }
    if (outcome.action() == Action.Started || outcome.action() == Action.None) {
      waitingSince.remove(pod.getMetadata().getUid());
    }
    return outcome;
  }

  private RemediationOutcome decide(Pod pod, ImmutabilityPolicy policy, List<Finding> drift) {
    String key = policyKey(policy);
    Instant now = clock.instant();
    report(key, inFlight.refresh(key, now), now);
    Remediation remediation = policy.getSpec().getRemediation();
    List<Finding> findings = drift.stream().filter(f -> healedByReplacement(f, policy)).toList();
    if (findings.isEmpty() || !policy.getSpec().getMode().replacesPods()
        || remediation.getStrategy() == Strategy.None || PodReadiness.isTerminating(pod)) {
      return RemediationOutcome.none();
    }
    if (inFlight.replacing(key, pod.getMetadata().getUid())) {
      // Evicted a moment ago, and evaluated again before the cache shows it going: not evicted twice, and its
      // records and Events were settled with the eviction.
      return new RemediationOutcome(Action.Waiting, "being replaced", BLOCKED_RECHECK, true);
    }
    Optional<String> reportedOnlyBecause = notReplaceable(pod, remediation, barePodRecreation);
    if (reportedOnlyBecause.isPresent()) {
      if (reportedOnly.add(pod.getMetadata().getUid())) {
        ledger.actions(key, actions(pod, findings, "Recorded"));
        events.normal(pod, "NotReplaced", reportedOnlyBecause.get());
      }
      return new RemediationOutcome(Action.None, reportedOnlyBecause.get(), null);
    }
    Instant due = findings.stream().map(f -> dueAt(f, remediation.execGrace())).min(Instant::compareTo).orElse(now);
    if (now.isBefore(due)) {
      return new RemediationOutcome(Action.Waiting, "exec grace period", Duration.between(now, due));
    }
    if (remediation.isDryRun()) {
      if (reportedOnly.add(pod.getMetadata().getUid())) {
        ledger.actions(key, actions(pod, findings, "WouldReplace"));
        events.normal(pod, "WouldReplace", "dry run: policy " + policy.getMetadata().getName()
            + " would replace this pod (" + reasons(findings) + ")");
        metrics.podReplacement(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), "DryRun");
      }
      return new RemediationOutcome(Action.WouldReplace, "dry run", null);
    }
    Owner owner = Owner.of(pod);
    Optional<Replacement> blocking = inFlight.blocking(key, owner);
    if (blocking.isPresent()) {
      return new RemediationOutcome(Action.Waiting, "the replacement of pod " + blocking.get().name()
          + " did not become available; " + owner.description() + " must recover first", BLOCKED_RECHECK);
    }
    Optional<Workload> workload = remediation.getStrategy() == Strategy.RolloutRestart ? restarter.workloadOf(pod)
        : Optional.empty();
    // A restarted Deployment's new pods belong to a new ReplicaSet: loops are told by the workload then.
    Owner loopOwner = workload.map(w -> new Owner(w.uid(), w.toString())).orElse(owner);
    LoopCheck loopCheck = withoutLoops(pod, policy, loopOwner, findings, now);
    if (loopCheck.replaceable().isEmpty()) {
      return new RemediationOutcome(Action.Blocked, "replacement does not heal", Duration.between(now,
          loopCheck.retryAt()));
    }
    findings = loopCheck.replaceable();
    boolean bare = ClusterView.controllerOf(pod).isEmpty();
    Pod barePodReplacement = bare ? DeclaredPods.replacementFor(pod, PodRecords.baseline(pod).orElse(null)) : null;
    Optional<String> cannotStart = preflight.problem(pod, preflight.replacementOf(pod, barePodReplacement));
    if (cannotStart.isPresent()) {
      return refused(pod, policy, "ReplacementCannotStart", cannotStart.get(), now);
    }
    if (workload.isPresent()) {
      return restartRollout(pod, policy, findings, loopOwner, workload.get(), now);
    }
    return replace(pod, policy, findings, owner, barePodReplacement, now);
  }

  /**
   * Mirror (static) pods belong to the kubelet; Job pods restart their work when replaced; a bare pod can only be
   * recreated where the install grants pods create.
   */
  public static Optional<String> notReplaceable(Pod pod, Remediation remediation, boolean barePodRecreation) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(MIRROR_ANNOTATION)) {
      return Optional.of("a static pod's mirror: the kubelet runs it from a file, so drift is reported, never replaced");
    }
    if (!barePodRecreation && ClusterView.controllerOf(pod).isEmpty()) {
      return Optional.of("a pod no controller owns: this install does not recreate bare pods (BARE_POD_RECREATION), "
          + "so drift is reported, never replaced");
    }
    boolean jobPod = ClusterView.controllerOf(pod).filter(o -> "Job".equals(o.getKind())).isPresent();
    if (jobPod && !remediation.isReplaceJobPods()) {
      return Optional.of("a Job's pod: replacing it restarts its work, so drift is reported; set "
          + "spec.remediation.replaceJobPods to replace it");
    }
    return Optional.empty();
  }

  private RemediationOutcome replace(Pod pod, ImmutabilityPolicy policy, List<Finding> findings, Owner owner,
      Pod barePodReplacement, Instant now) {
    String key = policyKey(policy);
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String uid = pod.getMetadata().getUid();
    Optional<RemediationOutcome> wait = reserve(pod, policy, now);
    if (wait.isPresent()) {
      return wait.get();
    }
    Set<String> podsBefore = podsOfOwner(pod);
    try {
      if (barePodReplacement != null) {
        barePods.replace(pod, barePodReplacement, key);
      } else if (policy.getSpec().getRemediation().getStrategy() == Strategy.Delete) {
        removal.delete(namespace, name, uid);
      } else if (!removal.evict(namespace, name, uid)) {
        release(key, uid);
        return refused(pod, policy, "EvictionBlocked", "eviction refused, most likely by a PodDisruptionBudget", now);
      }
    } catch (KubernetesClientException e) {
      release(key, uid);
      if (PodRemoval.isPreconditionFailure(e)) {
        // The pod evaluated is gone; whatever now has its name is evaluated on its own event.
        return new RemediationOutcome(Action.None, "pod was replaced meanwhile", null);
      }
      return refused(pod, policy, "ReplacementFailed", "the API server refused the replacement: " + e.getMessage(), now);
    }
    String message = "replaced by policy " + policy.getMetadata().getName() + " (" + reasons(findings) + ")"
        + (barePodReplacement != null ? ": deleted and recreated" : "");
    started(pod, policy, findings, owner, podsBefore, "PodReplaced", "Replaced", message, now);
    return new RemediationOutcome(Action.Started, message, null);
  }

  private RemediationOutcome restartRollout(Pod pod, ImmutabilityPolicy policy, List<Finding> findings, Owner owner,
      Workload workload, Instant now) {
    // The pods of a workload drift together (a ConfigMap under a hundred pods): one restarts the rollout, the
    // others see it without a read of their own.
    Optional<RemediationOutcome> rolling = rollingSinceKnownRestart(pod, workload, now);
    if (rolling.isPresent()) {
      return rolling.get();
    }
    if (!restarter.claim(workload)) {
      // Another pod of the workload is restarting it this moment: that restart is seen on the next look.
      return aboutToBeReplaced(pod, Action.Waiting, workload + " is being restarted", CONFLICT_RETRY, now);
    }
    try {
      Restarts restarts;
      try {
        restarts = restarter.read(workload);
      } catch (KubernetesClientException | IllegalStateException e) {
        return refused(pod, policy, "ReplacementFailed", "could not read " + workload + ": " + e.getMessage(), now);
      }
      restarts.restartedAt().ifPresent(at -> restarter.remember(workload, at));
      rolling = rollingSinceKnownRestart(pod, workload, now);
      if (rolling.isPresent()) {
        return rolling.get();
      }
      String key = policyKey(policy);
      Optional<RemediationOutcome> wait = reserve(pod, policy, now);
      if (wait.isPresent()) {
        return wait.get();
      }
      Set<String> podsBefore = podsOfOwner(pod);
      Instant at;
      try {
        at = restarter.restart(workload, restarts, now);
      } catch (KubernetesClientException e) {
        release(key, pod.getMetadata().getUid());
        if (e.getCode() == 409) {
          return new RemediationOutcome(Action.Waiting, workload + " changed meanwhile", CONFLICT_RETRY);
        }
        return refused(pod, policy, "ReplacementFailed", "could not restart " + workload + ": " + e.getMessage(),
            now);
      }
      restarter.remember(workload, at);
      String message = "rollout of " + workload + " restarted by policy " + policy.getMetadata().getName() + " ("
          + reasons(findings) + "); restartedAt " + at;
      started(pod, policy, findings, owner, podsBefore, "RolloutRestarted", "RolloutRestarted", message, now);
      return new RemediationOutcome(Action.RolloutRestarted, message, null);
    } finally {
      restarter.release(workload);
    }
  }

  /** Waiting, if the workload's last restart known here replaces the pod. */
  private Optional<RemediationOutcome> rollingSinceKnownRestart(Pod pod, Workload workload, Instant now) {
    // The rollout removes the pod, which ends its reconciliation; the recheck only covers a rollout that stalls.
    return restarter.lastRestart(workload).filter(at -> restarter.beingRolled(pod, at))
        .map(at -> aboutToBeReplaced(pod, Action.Waiting, workload + " has been rolling its pods since " + at,
            BLOCKED_RECHECK, now));
  }

  /**
   * A pod whose replacement is due and only waits its turn (a slot of maxUnavailable, the rollout it is part of).
   * Its records are written once it has waited {@link #RECORDS_DEFERRAL}: when one change drifts a hundred pods,
   * most are replaced before that, and two record writes for each would slow the very rollout that replaces them.
   */
  private RemediationOutcome aboutToBeReplaced(Pod pod, Action action, String message, Duration retry,
      Instant now) {
    Instant recordAt = waitingSince.computeIfAbsent(pod.getMetadata().getUid(), uid -> now).plus(RECORDS_DEFERRAL);
    if (!now.isBefore(recordAt)) {
      return new RemediationOutcome(action, message, retry);
    }
    Duration untilRecords = Duration.between(now, recordAt);
    return new RemediationOutcome(action, message, untilRecords.compareTo(retry) < 0 ? untilRecords : retry, true);
  }

  /**
   * Takes one replacement from the policy's maxUnavailable and the cluster-wide rate, or says why to wait. The
   * unavailable count is the pods the owners want and lack plus unready pods, read from the cache at most once
   * per policy and second; replacements in flight cover what the cache has not seen yet.
   */
  private Optional<RemediationOutcome> reserve(Pod pod, ImmutabilityPolicy policy, Instant now) {
    String key = policyKey(policy);
    ResourceID id = ResourceID.fromResource(pod);
    synchronized (policyLocks.computeIfAbsent(key, k -> new Object())) {
      Snapshot snapshot = snapshots.compute(key, (k, old) -> old != null
          && now.isBefore(old.takenAt().plus(SNAPSHOT_TTL)) ? old : snapshot(policy, now));
      int limit = policy.getSpec().getRemediation().maxUnavailableOf(snapshot.matched());
      int busy = busy(key, snapshot);
      if (busy >= limit) {
        waiters.waiting(key, policy, id);
        return Optional.of(aboutToBeReplaced(pod, Action.Queued,
            busy + " pod(s) unavailable or being replaced, maxUnavailable " + limit, IN_FLIGHT_RECHECK, now));
      }
      Optional<Duration> rateLimited = rateLimit.acquire();
      if (rateLimited.isPresent()) {
        return Optional.of(aboutToBeReplaced(pod, Action.Waiting,
            "the cluster-wide budget of replacements per minute is spent", rateLimited.get(), now));
      }
      inFlight.started(key, policy, pod, now);
      snapshots.remove(key);
      return Optional.empty();
    }
  }

  /** Pods out of service, as the snapshot shows them and as the replacements in flight say they must be. */
  private int busy(String key, Snapshot snapshot) {
    return snapshot.unavailability().with(inFlight.byOwner(key), inFlight.bare(key));
  }

  /**
   * An owner's status changed in the namespace (its pods became available): soon after, pods of the namespace's
   * policies that waited for maxUnavailable are woken through {@code wake}, as many as there are free slots. The
   * count runs off the informer's thread, once for a burst of status writes.
   */
  public void ownerStatusChanged(String namespace, Consumer<ResourceID> wake) {
    if (waiters.policiesWaitingIn(namespace).isEmpty() || dirtyNamespaces.putIfAbsent(namespace, wake) != null) {
      return;
    }
    wakeups.schedule(() -> {
      Consumer<ResourceID> target = dirtyNamespaces.remove(namespace);
      try {
        podsToWake(namespace).forEach(target);
      } catch (RuntimeException e) {
        metrics.backgroundTaskFailed("budget-wakeups");
        log.warn("could not wake pods waiting for maxUnavailable in {}: {}", namespace, e.toString());
      }
    }, WAKEUP_COALESCING.toMillis(), TimeUnit.MILLISECONDS);
  }

  private List<ResourceID> podsToWake(String namespace) {
    List<ResourceID> woken = new ArrayList<>();
    Instant now = clock.instant();
    for (ImmutabilityPolicy policy : waiters.policiesWaitingIn(namespace)) {
      String key = policyKey(policy);
      report(key, inFlight.refresh(key, now), now);
      synchronized (policyLocks.computeIfAbsent(key, k -> new Object())) {
        Snapshot snapshot = snapshot(policy, now);
        snapshots.put(key, snapshot);
        int free = policy.getSpec().getRemediation().maxUnavailableOf(snapshot.matched()) - busy(key, snapshot);
        while (free > 0) {
          List<ResourceID> next = waiters.take(key, 1);
          if (next.isEmpty()) {
            break;
          }
          // A pod deleted while it waited takes no slot.
          if (next.stream().allMatch(id -> view.pod(id.getNamespace().orElseThrow(), id.getName())
              .filter(p -> !PodReadiness.isTerminating(p)).isPresent())) {
            woken.addAll(next);
            free--;
          }
        }
      }
    }
    return woken;
  }

  private Snapshot snapshot(ImmutabilityPolicy policy, Instant now) {
    List<Pod> selected = view.podsSelectedBy(policy);
    int matched = (int) selected.stream().filter(p -> !PodReadiness.hasFinished(p)).count();
    return new Snapshot(matched, Unavailability.of(selected,
        p -> ClusterView.controllerOf(p).flatMap(o -> view.owner(p.getMetadata().getNamespace(), o))
            .flatMap(OwnerAvailability::of), view::podsOfController, now), now);
  }

  private void release(String key, String uid) {
    inFlight.cancel(key, uid);
    rateLimit.release();
  }

  /** The UIDs of the pod and of the other pods of its controller now. */
  private Set<String> podsOfOwner(Pod pod) {
    Set<String> uids = new HashSet<>(Set.of(pod.getMetadata().getUid()));
    ClusterView.controllerOf(pod).ifPresent(o -> view.podsOfController(o.getUid())
        .forEach(p -> uids.add(p.getMetadata().getUid())));
    return uids;
  }

  /** loopOwner is whose later pods would show a loop: the pod's controller, or the workload a restart rolls. */
  private void started(Pod pod, ImmutabilityPolicy policy, List<Finding> findings, Owner loopOwner,
      Set<String> podsBefore, String eventReason, String action, String message, Instant now) {
    String key = policyKey(policy);
    refusals.remove(pod.getMetadata().getUid());
    loops.replaced(loopOwner.key(), podsBefore, findings, now);
    ledger.replaced(key, pod.getMetadata().getName(), actions(pod, findings, action));
    metrics.podReplacement(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), action);
    // The gauge exists from a policy's first replacement on, so dashboards and alerts read 0 rather than nothing.
    updateBlockedGauge(key);
    events.normal(pod, eventReason, message);
    events.normal(policy, eventReason, "pod " + pod.getMetadata().getName() + ": " + message);
    log.info("pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), message);
    // Nothing else may look at this policy when the replacement times out.
    timeouts.schedule(() -> report(key, inFlight.refresh(key, clock.instant()), clock.instant()),
        inFlight.timeout().plusMillis(100).toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reports replacements that timed out (Degraded, Event, metric) and owners that recovered since. */
  private void report(String key, InFlightReplacements.Changes changes, Instant now) {
    for (Replacement r : changes.timedOut()) {
      String message = "its replacement did not become available within " + human(inFlight.timeout()) + "; "
          + r.ownerKey().description() + " is not replaced again until all the pods it wants are available";
      ledger.ownerBlocked(key, r.ownerKey().key(), new ReplacementLedger.Blocked(r.name(), "ReplacementTimedOut",
          message, now));
      events.warning(r.policy(), "ReplacementTimedOut", "pod " + r.name() + ": " + message);
      metrics.podReplacement(r.namespace(), r.policy().getMetadata().getName(), "TimedOut");
      log.warn("replacement of pod {}/{} timed out: {}", r.namespace(), r.name(), message);
    }
    for (Replacement r : changes.recovered()) {
      ledger.ownerRecovered(key, r.ownerKey().key());
      events.normal(r.policy(), "OwnerRecovered", r.ownerKey().description() + " has all its pods available again");
    }
    if (!changes.timedOut().isEmpty() || !changes.recovered().isEmpty()) {
      updateBlockedGauge(key);
    }
  }

  private void updateBlockedGauge(String key) {
    int slash = key.indexOf('/');
    metrics.blockedOwners(key.substring(0, slash), key.substring(slash + 1), ledger.ownerBlocks(key));
  }

  private LoopCheck withoutLoops(Pod pod, ImmutabilityPolicy policy, Owner owner, List<Finding> findings,
      Instant now) {
    Duration window = policy.getSpec().getRemediation().loopWindowDuration();
    List<Finding> replaceable = new ArrayList<>();
    Instant retryAt = null;
    for (Finding finding : findings) {
      if (isSession(finding)) {
        // A session is someone's action on that pod: the replacement healed it even if someone does it again.
        replaceable.add(finding);
        continue;
      }
      Decision decision = loops.check(owner.key(), pod.getMetadata().getUid(), finding, window, now);
      if (decision.verdict() == LoopGuard.Verdict.Replace) {
        replaceable.add(finding);
        continue;
      }
      retryAt = retryAt == null || decision.retryAt().isBefore(retryAt) ? decision.retryAt() : retryAt;
      String message = "replacing the pods of " + owner.description() + " does not heal " + finding.reason()
          + (finding.container() == null ? "" : " in container " + finding.container())
          + ": the replacement showed it again within " + human(window) + "; no replacement for it until "
          + decision.retryAt().truncatedTo(ChronoUnit.SECONDS) + ", then one more try (the wait doubles each time)";
      ledger.blocked(policyKey(policy), new ReplacementLedger.Blocked(pod.getMetadata().getName(),
          "ReplacementDoesNotHeal", message, now));
      if (decision.verdict() == LoopGuard.Verdict.LoopDetected) {
        events.warning(pod, "ReplacementDoesNotHeal", message);
        events.warning(policy, "ReplacementDoesNotHeal", "pod " + pod.getMetadata().getName() + ": " + message);
        metrics.replacementLoop(pod.getMetadata().getNamespace(), policy.getMetadata().getName(), finding.reason());
        log.warn("pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), message);
      }
    }
    return new LoopCheck(replaceable, retryAt);
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

  /** Reports bare-pod recreations: a failure blocks that pod's name until it exists again. */
  private final class RecreationReports implements BarePodRecreator.Listener {
    @Override
    public void recreated(Intent intent) {
      ledger.ownerRecovered(intent.policyKey(), Owner.ofBarePod(intent.namespace(), intent.name()).key());
      updateBlockedGauge(intent.policyKey());
    }

    @Override
    public void failed(Intent intent, int attempts, String message, boolean gaveUp) {
      String text = "could not recreate the deleted pod (attempt " + attempts + " of " + BarePodRecreator.MAX_ATTEMPTS
          + "): " + message + (gaveUp ? "; gave up: its manifest is kept in ConfigMap " + intent.id() : "");
      ledger.ownerBlocked(intent.policyKey(), Owner.ofBarePod(intent.namespace(), intent.name()).key(),
          new ReplacementLedger.Blocked(intent.name(), "RecreationFailed", text, clock.instant()));
      updateBlockedGauge(intent.policyKey());
      if (attempts == 1 || gaveUp) {
        view.policiesSelecting(intent.namespace(), intent.replacement().getMetadata().getLabels()).stream()
            .filter(p -> policyKey(p).equals(intent.policyKey())).findFirst()
            .ifPresent(p -> events.warning(p, "RecreationFailed", "pod " + intent.name() + ": " + text));
      }
    }
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
  public static Instant dueAt(Finding finding, Duration execGrace) {
    return isSession(finding) ? finding.detectedAt().plus(execGrace) : finding.detectedAt();
  }

  private static boolean isSession(Finding finding) {
    return finding.reason() == DriftReason.ExecSession || finding.reason() == DriftReason.AttachSession;
  }

  /** 10m, 1h30m, 6s: as durations are written in policies and settings. */
  private static String human(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static String reasons(List<Finding> findings) {
    return findings.stream().map(f -> f.reason().name()).distinct().collect(Collectors.joining(","));
  }

  /** What was done, once for each finding, so the policy status shows it against every one of them. */
  private static List<RecentFinding> actions(Pod pod, List<Finding> findings, String action) {
    return findings.stream().map(f -> new RecentFinding(pod.getMetadata().getName(), f.container(), f.reason().name(),
        f.message(), f.detectedAt().toString(), action)).toList();
  }

  /** Shows findings in a policy's status that did not govern a pod being replaced, whose records are never written. */
  public void recorded(ImmutabilityPolicy policy, Pod pod, List<Finding> findings) {
    ledger.actions(policyKey(policy), actions(pod, findings, "Recorded"));
  }

  /** Drops what is kept for a deleted policy. */
  public void forget(String policyKey) {
    inFlight.forget(policyKey);
    ledger.forget(policyKey);
    policyLocks.remove(policyKey);
    snapshots.remove(policyKey);
    waiters.forget(policyKey);
  }

  @Override
  public void close() {
    resumer.shutdownNow();
    timeouts.shutdownNow();
    wakeups.shutdownNow();
    barePods.close();
  }
}
