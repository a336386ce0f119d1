package dev.immutability.operator.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kubectl first tries a WebSocket (GET) and may fall back to SPDY (POST): the API server then asks admission twice
 * for one user action. Requests for the same pod, container, user and command within a short window count once.
 */
final class SessionDeduplicator {
  private final Duration window;
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();

  SessionDeduplicator(Duration window) {
    this.window = window;
  }

  /** True the first time a session is seen within the window. */
  boolean firstSighting(AdmissionDecision.Session session, Instant now) {
    seen.values().removeIf(at -> at.plus(window).isBefore(now));
    String key = String.join("\u0000", session.kind(), session.namespace(), session.pod(), session.container(),
        session.username(), String.join(" ", session.command()));
    return seen.putIfAbsent(key, now) == null;
  }
}
