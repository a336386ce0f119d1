package dev.immutability.operator.recording;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records drift reported as it happens (an exec session, a runtime alert) on the pod, off the caller's thread so
 * the webhook answers without waiting on the API server. The pod reconciler then takes it from the pod.
 */
public final class EventDriftRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventDriftRecorder.class);
  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final PodRecorder recorder;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("event-drift-recorder"));

  public EventDriftRecorder(KubernetesClient client, PodRecorder recorder, EventRecorder events,
      OperatorMetrics metrics, Clock clock) {
    this.client = client;
    this.recorder = recorder;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Queues the finding for the pod; {@code eventReason} names the Event emitted on the pod and its policies. */
  public void record(String namespace, String podName, Finding finding, String eventReason) {
    executor.execute(() -> write(namespace, podName, finding, eventReason));
  }

  private void write(String namespace, String podName, Finding finding, String eventReason) {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
      if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
        return;
      }
      List<Finding> findings = new ArrayList<>(PodRecords.findings(pod));
      if (findings.stream().anyMatch(f -> f.key().equals(finding.key()))) {
        return;
      }
      findings.add(finding);
      try {
        recorder.recordFindings(pod, findings, clock.instant());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409 && attempt < ATTEMPTS) {
          continue;
        }
        log.warn("could not record {} on pod {}/{}: {}", finding.reason(), namespace, podName, e.getMessage());
        return;
      }
      String message = finding.message();
      events.warning(pod, eventReason, message);
      for (String policy : finding.policies()) {
        ImmutabilityPolicy target = new ImmutabilityPolicy();
        target.getMetadata().setName(policy);
        target.getMetadata().setNamespace(namespace);
        ImmutabilityPolicy live = client.resource(target).get();
        if (live != null) {
          events.warning(live, eventReason, "pod " + podName + ": " + message);
        }
        metrics.findingRecorded(namespace, policy, finding.reason());
      }
      return;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
