package dev.immutability.operator.cli;

import java.time.Duration;
import java.time.Instant;

/** How long ago, or how far ahead, as kubectl prints ages: 45s, 3m20s, 15m, 5h, 3d. */
final class Ages {
  private Ages() {}

  static String between(Instant from, Instant to) {
    return of(Duration.between(from, to).abs());
  }

  static String of(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 600) {
      return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
    if (seconds < 3 * 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 48 * 3600) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
