package dev.immutability.operator.api;

import java.util.Locale;

/** Falco's priorities, most severe first. */
public enum AlertPriority {
  Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug;

  public boolean isAtLeast(AlertPriority minimum) {
    return ordinal() <= minimum.ordinal();
  }

  /** Falco writes priorities in any case ("Warning", "WARNING", "warning"); "info" is Informational. */
  public static AlertPriority parse(String text) {
    String normal = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    for (AlertPriority priority : values()) {
      if (priority.name().toLowerCase(Locale.ROOT).equals(normal)) {
        return priority;
      }
    }
    // An alert of unknown priority is treated as severe rather than dropped.
    return "info".equals(normal) ? Informational : Emergency;
  }
}
