package dev.immutability.operator.reconciler;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityExceptionStatus;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.recording.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Records an exception's life: an Event and a metric when it takes effect and when it expires, and its phase in
 * the status (which also keeps a restarted operator from announcing it twice). The exception's effect itself is
 * read from the cache where pods are evaluated and admission is decided.
 */
@ControllerConfiguration(name = "exception-lifecycle")
public class ExceptionReconciler implements Reconciler<ImmutabilityException> {
  static final String ACTIVE = "Active";
  static final String EXPIRED = "Expired";

  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;

  public ExceptionReconciler(EventRecorder events, OperatorMetrics metrics, Clock clock) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public UpdateControl<ImmutabilityException> reconcile(ImmutabilityException exception,
      Context<ImmutabilityException> context) {
    Instant now = clock.instant();
    Instant expiresAt = exception.effectiveExpiry();
    String phase = now.isBefore(expiresAt) ? ACTIVE : EXPIRED;
    String recorded = exception.getStatus() == null ? null : exception.getStatus().getPhase();
    UpdateControl<ImmutabilityException> control = UpdateControl.noUpdate();
    if (!phase.equals(recorded)) {
      String namespace = exception.getMetadata().getNamespace();
      if (ACTIVE.equals(phase)) {
        events.warning(exception, "ExceptionCreated", "pods selected by " + exception.getMetadata().getName()
            + " are excepted from " + reasons(exception) + " until " + expiresAt + ": "
            + exception.getSpec().getJustification());
      } else {
        events.normal(exception, "ExceptionExpired", "the exception expired at " + expiresAt
            + "; its pods are held to their policies again");
      }
      metrics.exception(namespace, phase);
      ImmutabilityExceptionStatus status = new ImmutabilityExceptionStatus();
      status.setPhase(phase);
      exception.setStatus(status);
      control = UpdateControl.patchStatus(exception);
    }
    return ACTIVE.equals(phase) ? control.rescheduleAfter(Duration.between(now, expiresAt)) : control;
  }

  private static String reasons(ImmutabilityException exception) {
    var reasons = exception.getSpec().getReasons();
    return reasons == null || reasons.isEmpty() ? "every drift reason" : String.join(", ", reasons);
  }
}
