package dev.immutability.operator.recording;

import dev.immutability.operator.runtime.BoundedMaps;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Folds floods of similar Events, as client-go's event correlator does: on one object, the first {@link #LIMIT}
 * Events of a type and reason within {@link #WINDOW} go out one by one; later ones are combined into one Event whose
 * count grows, written at most once per flush. One change that replaces a hundred pods leaves its policy ten
 * PodReplaced Events and one "(combined from similar events)" counting the other ninety, not a hundred writes.
 */
final class SimilarEvents {
  static final int LIMIT = 10;
  static final Duration WINDOW = Duration.ofMinutes(10);
  static final String COMBINED_PREFIX = "(combined from similar events): ";
  private static final int SERIES_REMEMBERED = 10_000;

  /** Similar Events: same object, type and reason. */
  record Key(String objectUid, String type, String reason) {
    static Key of(Event event) {
      return new Key(event.getInvolvedObject().getUid(), event.getType(), event.getReason());
    }
  }

  /** What to do with an Event offered. */
  enum Verdict {
    /** Send it as it is. */
    SEND,
    /** It is folded into the combined Event; flush the series soon. */
    FOLD_AND_FLUSH,
    /** It is folded into the combined Event, whose flush is already coming. */
    FOLD
  }

  /**
   * A write of the combined Event: create it (no name yet) or update the one named, to this count and message.
   * {@code latest} is the last Event folded, whose object, type and reason the combined one takes.
   */
  record Flush(Key key, Event latest, String name, int count) {}

  private static final class Series {
    Instant start;
    int sent;
    int folded;
    int combinedCount;
    String combinedName;
    Event latest;
    boolean flushing;
  }

  private final Map<Key, Series> series = BoundedMaps.lru(SERIES_REMEMBERED);

  synchronized Verdict offer(Event event, Instant now) {
    Key key = Key.of(event);
    Series s = series.get(key);
    if (s == null || (!s.flushing && s.folded == 0 && !now.isBefore(s.start.plus(WINDOW)))) {
      s = new Series();
      s.start = now;
      series.put(key, s);
    }
    if (s.sent < LIMIT) {
      s.sent++;
      return Verdict.SEND;
    }
    s.folded++;
    s.latest = event;
    if (s.flushing) {
      return Verdict.FOLD;
    }
    s.flushing = true;
    return Verdict.FOLD_AND_FLUSH;
  }

  /** The write that brings the combined Event up to date; empty if nothing was folded since the last one. */
  synchronized Optional<Flush> take(Key key) {
    Series s = series.get(key);
    if (s == null || s.folded == 0) {
      if (s != null) {
        s.flushing = false;
      }
      return Optional.empty();
    }
    s.combinedCount += s.folded;
    s.folded = 0;
    return Optional.of(new Flush(key, s.latest, s.combinedName, s.combinedCount));
  }

  /**
   * The flush is written (as {@code name}; null if it failed and a later one should create the Event anew).
   * Returns whether more was folded meanwhile: then the caller flushes again.
   */
  synchronized boolean written(Key key, String name) {
    Series s = series.get(key);
    if (s == null) {
      return false;
    }
    s.combinedName = name;
    s.flushing = s.folded > 0;
    return s.flushing;
  }
}
