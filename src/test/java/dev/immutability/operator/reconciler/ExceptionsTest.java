package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExceptionsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Finding IMAGE = Finding.of(DriftReason.ImageChanged, "app", "edited", NOW);
  private static final Finding EXEC = Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", NOW);

  private static ImmutabilityException exception(List<String> reasons, Instant expiresAt) {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getSpec().setReasons(reasons);
    exception.getSpec().setExpiresAt(expiresAt);
    return exception;
  }

  @Test
  void findingsAnActiveExceptionCoversAreHeldUntilTheEarliestExpiry() {
    var held = Exceptions.hold(List.of(IMAGE, EXEC), List.of(exception(List.of("ImageChanged"), NOW.plusSeconds(60)),
        exception(List.of("ExecSession"), NOW.plusSeconds(30))), NOW);
    assertThat(held.actionable()).isEmpty();
    assertThat(held.until()).contains(NOW.plusSeconds(30));
  }

  @Test
  void otherReasonsAndExpiredExceptionsHoldNothing() {
    var held = Exceptions.hold(List.of(IMAGE, EXEC), List.of(exception(List.of("ImageChanged"), NOW.plusSeconds(60)),
        exception(List.of(), NOW.minusSeconds(1))), NOW);
    assertThat(held.actionable()).containsExactly(EXEC);
    assertThat(held.until()).contains(NOW.plusSeconds(60));
    assertThat(Exceptions.hold(List.of(EXEC), List.of(), NOW).until()).isEmpty();
  }
}
