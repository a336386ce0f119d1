package dev.immutability.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.DriftReason;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExceptionReasonsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anExceptionCanNameExactlyTheDriftReasons() {
    assertThat(ImmutabilityExceptionSpec.REASONS)
        .containsExactlyElementsOf(Arrays.stream(DriftReason.values()).map(Enum::name).toList());
  }

  @Test
  void itCoversItsReasonsOrAllUntilItExpires() {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getSpec().setExpiresAt(NOW.plusSeconds(60));
    exception.getSpec().setReasons(List.of("ExecSession"));
    assertThat(exception.covers("ExecSession", NOW)).isTrue();
    assertThat(exception.covers("ImageChanged", NOW)).isFalse();
    assertThat(exception.covers("ExecSession", NOW.plusSeconds(60))).as("expired").isFalse();
    exception.getSpec().setReasons(List.of());
    assertThat(exception.covers("ImageChanged", NOW)).isTrue();
  }

  @Test
  void anExceptionSetToExpireInYearsAppliesAtMostSevenDaysAfterItWasCreated() {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setCreationTimestamp(NOW.toString());
    exception.getSpec().setExpiresAt(Instant.parse("9999-12-31T00:00:00Z"));
    assertThat(exception.effectiveExpiry()).isEqualTo(NOW.plus(ImmutabilityException.MAX_DURATION));
    assertThat(exception.covers("ExecSession", NOW.plus(ImmutabilityException.MAX_DURATION))).isFalse();
  }
}
