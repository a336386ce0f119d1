package dev.immutability.operator.remediation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The cluster-wide budget on top of each policy's maxUnavailable: at most N evictions, deletes and rollout
 * restarts in any minute across all policies, so a change that drifts many workloads cannot replace them all at
 * once. A sliding window of the last N start times: java-operator-sdk's LinearRateLimiter uses fixed windows
 * (up to 2N across a window boundary) and cannot be given a clock.
 */
final class ReplacementRateLimit {
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final int perMinute;
  private final Clock clock;
  private final Deque<Instant> starts = new ArrayDeque<>();

  ReplacementRateLimit(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Takes one replacement from the budget; when it is spent, how long until one is free again. */
  synchronized Optional<Duration> acquire() {
    Instant now = clock.instant();
    while (!starts.isEmpty() && !starts.peekFirst().plus(WINDOW).isAfter(now)) {
      starts.removeFirst();
    }
    if (starts.size() >= perMinute) {
      return Optional.of(Duration.between(now, starts.peekFirst().plus(WINDOW)));
    }
    starts.addLast(now);
    return Optional.empty();
  }

  /** Gives back a replacement that was not made (the API server refused it before anything happened). */
  synchronized void release() {
    starts.pollLast();
  }
}
