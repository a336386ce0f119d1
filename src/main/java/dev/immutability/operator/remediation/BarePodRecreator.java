package dev.immutability.operator.remediation;

import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a pod no controller owns: deletes it and, once the name is free again, creates it anew from its
 * declared spec. Nothing else would bring such a pod back, so creation is retried until it succeeds.
 */
final class BarePodRecreator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BarePodRecreator.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bare-pod-recreator"));

  BarePodRecreator(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** Deletes the pod now; its replacement is created once the API server has removed it. */
  void replace(Pod drifted, Baseline baseline) {
    Pod replacement = DeclaredPods.replacementFor(drifted, baseline);
    client.pods().inNamespace(drifted.getMetadata().getNamespace()).withName(drifted.getMetadata().getName())
        .delete();
    schedule(replacement, drifted.getMetadata().getUid(), 0, POLL);
  }

  private void schedule(Pod replacement, String oldUid, int attempt, Duration delay) {
    scheduler.schedule(() -> createWhenGone(replacement, oldUid, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void createWhenGone(Pod replacement, String oldUid, int attempt) {
    String namespace = replacement.getMetadata().getNamespace();
    String name = replacement.getMetadata().getName();
    try {
      Pod existing = client.pods().inNamespace(namespace).withName(name).get();
      if (existing != null && oldUid.equals(existing.getMetadata().getUid())) {
        schedule(replacement, oldUid, attempt, POLL);
        return;
      }
      if (existing == null) {
        Pod created = client.pods().inNamespace(namespace).resource(replacement).create();
        events.normal(created, "PodRecreated", "recreated from its declared spec after drift");
        log.info("recreated bare pod {}/{}", namespace, name);
      }
    } catch (KubernetesClientException e) {
      Duration retry = Duration.ofSeconds(1L << Math.min(attempt, 5));
      retry = retry.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : retry;
      log.warn("could not recreate pod {}/{} (attempt {}), retrying in {}: {}", namespace, name, attempt + 1, retry,
          e.getMessage());
      schedule(replacement, oldUid, attempt + 1, retry);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
