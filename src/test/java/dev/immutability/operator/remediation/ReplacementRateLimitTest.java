package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplacementRateLimitTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void atMostNInAnyMinuteAcrossAllCallers() {
    ReplacementRateLimit limit = new ReplacementRateLimit(3, clock);
    assertThat(limit.acquire()).isEmpty();
    clock.advance(Duration.ofSeconds(10));
    assertThat(limit.acquire()).isEmpty();
    assertThat(limit.acquire()).isEmpty();
    clock.advance(Duration.ofSeconds(20));
    assertThat(limit.acquire()).as("4th within the minute").hasValue(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));
    assertThat(limit.acquire()).as("the first has left the window").isEmpty();
    assertThat(limit.acquire()).as("the next two have not").hasValue(Duration.ofSeconds(10));
  }

  @Test
  void aReplacementThatWasNotMadeIsGivenBack() {
    ReplacementRateLimit limit = new ReplacementRateLimit(1, clock);
    assertThat(limit.acquire()).isEmpty();
    limit.release();
    assertThat(limit.acquire()).isEmpty();
    assertThat(limit.acquire()).isPresent();
  }
}
