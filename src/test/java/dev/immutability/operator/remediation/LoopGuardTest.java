package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.remediation.LoopGuard.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopGuardTest {
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.400Z");
  private final LoopGuard guard = new LoopGuard();

  private static Finding digest(Instant at) {
    return Finding.of(DriftReason.ImageDigestChanged, "app", "running digest differs", at);
  }

  @Test
  void theFirstReplacementIsAllowed() {
    assertThat(guard.check("rs-1", "pod-a", digest(T0), WINDOW, T0).verdict()).isEqualTo(Verdict.Replace);
  }

  @Test
  void theReplacementShowingTheSameDriftWithinTheWindowStopsItWithADoublingBackoff() {
    guard.replaced("rs-1", Set.of("pod-a", "pod-b"), List.of(digest(T0)), T0);
    // The replacement pod shows it again 5 s later.
    Instant seen = T0.plusSeconds(5);
    LoopGuard.Decision first = guard.check("rs-1", "pod-c", digest(seen), WINDOW, seen);
    assertThat(first.verdict()).isEqualTo(Verdict.LoopDetected);
    assertThat(first.retryAt()).isEqualTo(seen.plus(WINDOW));
    assertThat(guard.check("rs-1", "pod-b", digest(seen), WINDOW, seen.plusSeconds(1)).verdict())
        .as("any pod of the owner, for that reason").isEqualTo(Verdict.Suppressed);
    Finding other = Finding.of(DriftReason.ConfigChanged, "app", "ConfigMap app changed", seen);
    assertThat(guard.check("rs-1", "pod-c", other, WINDOW, seen).verdict()).as("other reasons still heal")
        .isEqualTo(Verdict.Replace);

    Instant retry = first.retryAt();
    assertThat(guard.check("rs-1", "pod-c", digest(seen), WINDOW, retry).verdict()).as("one more attempt")
        .isEqualTo(Verdict.Replace);
    guard.replaced("rs-1", Set.of("pod-b", "pod-c"), List.of(digest(seen)), retry);
    Instant again = retry.plusSeconds(3);
    LoopGuard.Decision second = guard.check("rs-1", "pod-d", digest(again), WINDOW, again);
    assertThat(second.verdict()).isEqualTo(Verdict.LoopDetected);
    assertThat(second.retryAt()).as("the wait doubles").isEqualTo(again.plus(WINDOW.multipliedBy(2)));
  }

  @Test
  void driftOnAPodThatExistedAtTheReplacementOrAfterTheWindowIsNoLoop() {
    guard.replaced("rs-1", Set.of("pod-a", "pod-b"), List.of(digest(T0)), T0);
    assertThat(guard.check("rs-1", "pod-b", digest(T0.plusSeconds(5)), WINDOW, T0.plusSeconds(5)).verdict())
        .as("a sibling that drifted with it, even if created in the same second").isEqualTo(Verdict.Replace);
    Instant late = T0.plus(WINDOW).plusSeconds(1);
    assertThat(guard.check("rs-1", "pod-c", digest(late), WINDOW, late).verdict())
        .as("drift that came back after the window").isEqualTo(Verdict.Replace);
    assertThat(guard.check("rs-2", "pod-c", digest(T0.plusSeconds(5)), WINDOW, T0.plusSeconds(5)).verdict())
        .as("another owner").isEqualTo(Verdict.Replace);
  }
}
