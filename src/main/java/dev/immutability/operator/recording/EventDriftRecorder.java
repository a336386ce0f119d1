package dev.immutability.operator.recording;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.drift.Findings;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records drift reported as it happens (an exec session, a runtime alert) on the pod, off the caller's thread so
 * the webhook answers without waiting on the API server. The pod reconciler then takes it from the pod.
 */
public final class EventDriftRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventDriftRecorder.class);
  /** Recordings waiting at most; beyond it new ones are dropped and counted, never memory without bound. */
  static final int CAPACITY = 1000;
  private static final int ATTEMPTS = 8;
  private static final Duration FIRST_RETRY = Duration.ofMillis(250);
  private static final int HTTP_NOT_FOUND = 404;

  private final KubernetesClient client;
  private final PodRecorder recorder;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("event-drift-recorder"));
  private final AtomicInteger pending = new AtomicInteger();
  private final EventFindingMemory memory;

  public EventDriftRecorder(KubernetesClient client, PodRecorder recorder, EventRecorder events,
      OperatorMetrics metrics, Clock clock, EventFindingMemory memory) {
    this.memory = memory;
    this.client = client;
    this.recorder = recorder;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Queues the finding for the pod; {@code eventReason} names the Event emitted on the pod and its policies. */
  public void record(String namespace, String podName, Finding finding, String eventReason) {
    if (pending.incrementAndGet() > CAPACITY) {
      pending.decrementAndGet();
      metrics.recordingDropped(finding.reason());
      log.warn("recording queue full ({}): dropped {} on pod {}/{}", CAPACITY, finding.reason(), namespace, podName);
      return;
    }
    executor.execute(() -> attempt(namespace, podName, finding, eventReason, 1, new Progress()));
  }

  /** What earlier attempts of one record got done: the pod they found, and whether its finding was written. */
  private static final class Progress {
    volatile String podUid;
    volatile boolean findingWritten;
  }

  /** Writes, or tries again with exponential backoff (conflicts, API server errors), a bounded number of times. */
  private void attempt(String namespace, String podName, Finding finding, String eventReason, int attempt,
      Progress progress) {
    try {
      write(namespace, podName, finding, eventReason, progress);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HTTP_NOT_FOUND && attempt < ATTEMPTS) {
        long delay = FIRST_RETRY.toMillis() << Math.min(attempt - 1, 6);
        executor.schedule(() -> attempt(namespace, podName, finding, eventReason, attempt + 1, progress), delay,
            TimeUnit.MILLISECONDS);
        return;
      }
      if (e.getCode() != HTTP_NOT_FOUND) {
        metrics.recordingDropped(finding.reason());
        log.warn("gave up recording {} on pod {}/{} after {} attempts: {}", finding.reason(), namespace, podName,
            attempt, e.getMessage());
      }
    }
    pending.decrementAndGet();
  }

  /**
   * A retry records on the pod the first attempt found, never on a pod made since under its name. When an earlier
   * attempt wrote the finding and failed after it (the condition), this one completes the condition, the memory and
   * the Events rather than taking the finding for someone else's.
   */
  private void write(String namespace, String podName, Finding finding, String eventReason, Progress progress) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    if (progress.podUid == null) {
      progress.podUid = pod.getMetadata().getUid();
    } else if (!progress.podUid.equals(pod.getMetadata().getUid())) {
      return;
    }
    List<Finding> findings = Findings.withEvent(PodRecords.findings(pod), finding);
    if (findings == null && !progress.findingWritten) {
      return;
    }
    if (findings == null) {
      recorder.recordCondition(pod.getMetadata(), PodRecords.findings(pod), clock.instant());
    } else {
      ObjectMeta written = recorder.writeFindings(pod, findings, Optional.empty());
      progress.findingWritten = true;
      recorder.recordCondition(written, findings, clock.instant());
    }
    memory.remember(pod.getMetadata().getUid(), finding);
    String message = finding.message();
    events.warning(pod, eventReason, message);
    for (String policy : finding.policies()) {
      ImmutabilityPolicy target = new ImmutabilityPolicy();
      target.getMetadata().setName(policy);
      target.getMetadata().setNamespace(namespace);
      // Past the records: a failure here must not make a retry send the pod's Event and metrics again.
      try {
        ImmutabilityPolicy live = client.resource(target).get();
        if (live != null) {
          events.warning(live, eventReason, "pod " + podName + ": " + message);
        }
      } catch (KubernetesClientException e) {
        log.warn("could not read policy {}/{} for its {} Event: {}", namespace, policy, eventReason, e.getMessage());
      }
      metrics.findingRecorded(namespace, policy, finding.reason());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
