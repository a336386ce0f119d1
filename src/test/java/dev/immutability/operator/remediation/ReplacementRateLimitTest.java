package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplacementRateLimitTest {
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void atMostNInAnyMinuteAcrossAllCallers() {
    ReplacementRateLimit limit = new ReplacementRateLimit(3, clock);
    assertThat(limit.acquire()).isEmpty();
    now = now.plusSeconds(10);
    assertThat(limit.acquire()).isEmpty();
    assertThat(limit.acquire()).isEmpty();
    now = now.plusSeconds(20);
    assertThat(limit.acquire()).as("4th within the minute").hasValue(Duration.ofSeconds(30));
    now = now.plusSeconds(30);
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
