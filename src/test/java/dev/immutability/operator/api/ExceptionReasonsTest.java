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
    ImmutabilityExceptionSpec spec = new ImmutabilityExceptionSpec();
    spec.setExpiresAt(NOW.plusSeconds(60));
    spec.setReasons(List.of("ExecSession"));
    assertThat(spec.covers("ExecSession", NOW)).isTrue();
    assertThat(spec.covers("ImageChanged", NOW)).isFalse();
    assertThat(spec.covers("ExecSession", NOW.plusSeconds(60))).as("expired").isFalse();
    spec.setReasons(List.of());
    assertThat(spec.covers("ImageChanged", NOW)).isTrue();
  }
}
