package dev.immutability.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A time-boxed exception, like Kyverno's PolicyException: until it expires, the pods it selects are not replaced
 * for the reasons it names, and in Enforce mode exec, attach and debug containers are allowed on them (still
 * recorded). Creating one is recorded (Event, metric); it stops applying on its own when it expires.
 */
@Group(ImmutabilityPolicy.GROUP)
@Version("v1alpha1")
@ShortNames("imex")
// A date column would print a future time as <invalid>: the timestamp is shown as it is.
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".spec.expiresAt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ImmutabilityException extends CustomResource<ImmutabilityExceptionSpec, ImmutabilityExceptionStatus>
    implements Namespaced {

  /** However far ahead expiresAt is set, an exception applies at most this long after it was created. */
  public static final Duration MAX_DURATION = Duration.ofDays(7);

  /** When it stops applying: expiresAt, but never later than {@link #MAX_DURATION} after its creation. */
  public Instant effectiveExpiry() {
    Instant expiresAt = getSpec().getExpiresAt();
    String created = getMetadata().getCreationTimestamp();
    if (created == null) {
      return expiresAt;
    }
    Instant cap = Instant.parse(created).plus(MAX_DURATION);
    return expiresAt.isBefore(cap) ? expiresAt : cap;
  }

  /** Whether it applies at {@code now} to a drift reason (by name). */
  public boolean covers(String reason, Instant now) {
    List<String> reasons = getSpec().getReasons();
    return now.isBefore(effectiveExpiry()) && (reasons == null || reasons.isEmpty() || reasons.contains(reason));
  }

  @Override
  protected ImmutabilityExceptionSpec initSpec() {
    return new ImmutabilityExceptionSpec();
  }

  @Override
  protected ImmutabilityExceptionStatus initStatus() {
    return new ImmutabilityExceptionStatus();
  }
}
