package dev.immutability.operator.remediation;

import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.remediation.RecreationIntents.Intent;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a pod no controller owns: records the intent to recreate it, deletes it and, once the name is free,
 * creates it anew from its declared spec. Nothing else would bring such a pod back, so the intent outlives the
 * process; creation is retried with backoff up to {@link #MAX_ATTEMPTS} times, each failure reported.
 */
final class BarePodRecreator implements AutoCloseable {
  static final int MAX_ATTEMPTS = 10;
  private static final Logger log = LoggerFactory.getLogger(BarePodRecreator.class);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

  /** Told when a recreation succeeds or fails; failures say whether the recreator gave up. */
  interface Listener {
    void recreated(Intent intent);

    void failed(Intent intent, int attempts, String message, boolean gaveUp);
  }

  private final KubernetesClient client;
  private final RecreationIntents intents;
  private final PodRemoval removal;
  private final EventRecorder events;
  private final Listener listener;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bare-pod-recreator"));

  BarePodRecreator(KubernetesClient client, RecreationIntents intents, PodRemoval removal, EventRecorder events,
      Listener listener) {
    this.client = client;
    this.intents = intents;
    this.removal = removal;
    this.events = events;
    this.listener = listener;
  }

  /** Records the intent, then deletes the pod; its replacement is created once the API server has removed it. */
  void replace(Pod drifted, Pod replacement, String policyKey) {
    String uid = drifted.getMetadata().getUid();
    Intent intent = intents.record(replacement, uid, policyKey);
    try {
      removal.delete(drifted.getMetadata().getNamespace(), drifted.getMetadata().getName(), uid);
    } catch (KubernetesClientException e) {
      intents.done(intent);
      throw e;
    }
    schedule(intent, 0, POLL);
  }

  /** Finishes the recreations an earlier run recorded; those it gave up on are reported again. */
  void resume(Set<String> podNamespaces) {
    for (Intent intent : intents.pending(podNamespaces)) {
      if (intent.gaveUp()) {
        listener.failed(intent, intent.attempts(), "gave up after " + intent.attempts() + " attempts", true);
      } else {
        log.info("resuming the recreation of pod {}/{}", intent.namespace(), intent.name());
        schedule(intent, intent.attempts(), Duration.ZERO);
      }
    }
  }

  private void schedule(Intent intent, int attempts, Duration delay) {
    scheduler.schedule(() -> createWhenGone(intent, attempts), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void createWhenGone(Intent intent, int attempts) {
    try {
      Pod existing = client.pods().inNamespace(intent.namespace()).withName(intent.name()).get();
      if (existing != null && intent.oldUid().equals(existing.getMetadata().getUid())) {
        schedule(intent, attempts, POLL);
        return;
      }
      if (existing == null) {
        Pod created = client.pods().inNamespace(intent.namespace()).resource(intent.replacement()).create();
        events.normal(created, "PodRecreated", "recreated from its declared spec after drift");
        log.info("recreated bare pod {}/{}", intent.namespace(), intent.name());
      }
      // Either recreated now, or it exists already (recreated before a crash, or by someone else).
      intents.done(intent);
      listener.recreated(intent);
    } catch (KubernetesClientException e) {
      failed(intent, attempts + 1, e);
    }
  }

  private void failed(Intent intent, int attempts, KubernetesClientException e) {
    boolean gaveUp = attempts >= MAX_ATTEMPTS;
    try {
      intents.attempted(intent, attempts, gaveUp);
    } catch (KubernetesClientException recordFailed) {
      log.warn("could not record attempt {} for pod {}/{}: {}", attempts, intent.namespace(), intent.name(),
          recordFailed.getMessage());
    }
    listener.failed(intent, attempts, e.getMessage(), gaveUp);
    if (gaveUp) {
      log.warn("gave up recreating pod {}/{} after {} attempts: {}", intent.namespace(), intent.name(), attempts,
          e.getMessage());
      return;
    }
    Duration retry = Duration.ofSeconds(1L << Math.min(attempts - 1, 5));
    retry = retry.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : retry;
    log.warn("could not recreate pod {}/{} (attempt {} of {}), retrying in {}: {}", intent.namespace(),
        intent.name(), attempts, MAX_ATTEMPTS, retry, e.getMessage());
    schedule(intent, attempts, retry);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
