package dev.immutability.operator.recording;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits Kubernetes Events, shown by {@code kubectl describe} on the pod or policy they concern. Events are sent in
 * the background, as client-go's recorder does: a burst of findings (a ConfigMap under a hundred pods) must not
 * hold the evictions and records behind a hundred Event writes. Two bounded lanes: the bulk of one change
 * (DriftDetected, PodReplaced and the like) and everything else (sessions, tampering, refusals, timeouts), so a
 * flood of the first never pushes out the second. What overflows is dropped, counted and logged. Past ten of one
 * reason on one object, bulk Events are combined into one whose count grows (see {@link SimilarEvents}).
 */
public final class EventRecorder implements AutoCloseable {
  public static final String COMPONENT = "immutability-operator";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;
  private static final int HTTP_NOT_FOUND = 404;
  static final int CAPACITY = 2000;
  private static final int SENDERS = 4;
  /** Reasons one change can emit for each of thousands of pods. */
  private static final Set<String> BULK = Set.of("DriftDetected", "PodReplaced", "RolloutRestarted", "NotReplaced",
      "WouldReplace");
  private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(2);
  /** How long Events folded into a combined one wait for others before it is written. */
  static final Duration FLUSH_DELAY = Duration.ofSeconds(1);

  private final KubernetesClient client;
  private final String instance;
  private final OperatorMetrics metrics;
  private final ThreadPoolExecutor bulk = lane("event-sender");
  private final ThreadPoolExecutor notices = lane("notice-sender");
  private final SimilarEvents similar = new SimilarEvents();
  private final ScheduledExecutorService flushes =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("event-flushes"));

  public EventRecorder(KubernetesClient client, String instance, OperatorMetrics metrics) {
    this.client = client;
    this.instance = instance;
    this.metrics = metrics;
  }

  private ThreadPoolExecutor lane(String name) {
    return new ThreadPoolExecutor(SENDERS, SENDERS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(CAPACITY),
        DaemonThreads.named(name), (task, executor) -> {
          metrics.eventDropped();
          log.warn("{} queue full ({}): an Event was dropped", name, CAPACITY);
        });
  }

  public void warning(HasMetadata object, String reason, String message) {
    emit(object, "Warning", reason, message);
  }

  public void normal(HasMetadata object, String reason, String message) {
    emit(object, "Normal", reason, message);
  }

  private void emit(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().toString();
    var event = new EventBuilder()
        .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".")
        .withNamespace(object.getMetadata().getNamespace()).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
            .withKind(object.getKind()).withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace()).withUid(object.getMetadata().getUid()).build())
        .withType(type).withReason(reason)
        .withMessage(truncated(message))
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT).withReportingInstance(instance)
        .build();
    if (!BULK.contains(reason)) {
      notices.execute(() -> send(event));
      return;
    }
    switch (similar.offer(event, Instant.now())) {
      case SEND -> bulk.execute(() -> send(event));
      case FOLD_AND_FLUSH -> flushSoon(SimilarEvents.Key.of(event));
      case FOLD -> { }
    }
  }

  private static String truncated(String message) {
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
  }

  /** On the flush thread itself: a full bulk lane must not drop a flush and leave its series folding forever. */
  private void flushSoon(SimilarEvents.Key key) {
    try {
      flushes.schedule(() -> flush(key), FLUSH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed: what is folded from now on is not written.
    }
  }

  private void flush(SimilarEvents.Key key) {
    similar.take(key).ifPresent(flush -> {
      String name = flush.name();
      try {
        name = write(flush);
      } finally {
        if (similar.written(key, name)) {
          flushSoon(key);
        }
      }
    });
  }

  /** Creates or updates the combined Event; returns its name, or null if it is to be created anew next time. */
  private String write(SimilarEvents.Flush flush) {
    Event latest = flush.latest();
    String namespace = latest.getMetadata().getNamespace();
    String message = truncated(SimilarEvents.COMBINED_PREFIX + latest.getMessage());
    String now = Instant.now().toString();
    try {
      if (flush.name() != null) {
        try {
          Event named = new EventBuilder().withNewMetadata().withName(flush.name()).withNamespace(namespace)
              .endMetadata().build();
          // Through the Event in hand: by name alone, the client would GET it first.
          client.v1().events().inNamespace(namespace).resource(named).patch(PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("count", flush.count(), "message", message, "lastTimestamp", now)));
          return flush.name();
        } catch (KubernetesClientException e) {
          if (e.getCode() != HTTP_NOT_FOUND) {
            throw e;
          }
          // Expired (Events live an hour): created anew below.
        }
      }
      return client.v1().events().inNamespace(namespace).resource(new EventBuilder(latest).withMessage(message)
          .withCount(flush.count()).withLastTimestamp(now).build()).create().getMetadata().getName();
    } catch (KubernetesClientException e) {
      metrics.eventDropped();
      log.warn("could not write the combined {} Events on {}/{}: {}", latest.getReason(),
          latest.getInvolvedObject().getKind(), latest.getInvolvedObject().getName(), e.getMessage());
      return flush.name();
    }
  }

  private void send(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must not fail the reconciliation that found the drift.
      metrics.eventDropped();
      log.warn("could not emit event {} on {}/{}: {}", event.getReason(), event.getInvolvedObject().getKind(),
          event.getInvolvedObject().getName(), e.getMessage());
    }
  }

  /** Sends what is queued for a moment, then drops the rest. */
  @Override
  public void close() {
    // Flushes already scheduled still run (within FLUSH_DELAY); new ones are refused.
    flushes.shutdown();
    bulk.shutdown();
    notices.shutdown();
    try {
      if (!notices.awaitTermination(DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)
          || !bulk.awaitTermination(DRAIN_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)
          || !flushes.awaitTermination(DRAIN_ON_CLOSE.plus(FLUSH_DELAY).toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("stopping with {} Event(s) unsent", notices.getQueue().size() + bulk.getQueue().size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    bulk.shutdownNow();
    notices.shutdownNow();
    flushes.shutdownNow();
  }
}
