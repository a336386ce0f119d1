package dev.immutability.operator.webhook;

import java.util.List;
import java.util.Map;

/**
 * What the webhook answers: allow or deny with a message, an optional JSONPatch (mutation), and an optional session
 * to record on the pod after answering.
 */
record AdmissionDecision(boolean allowed, String message, List<Map<String, Object>> patch, Session session,
    List<String> warnings) {

  /** An exec or attach session to record as a finding on the pod. */
  record Session(String kind, String namespace, String pod, String container, String username, List<String> command,
      List<String> policies) {}

  static AdmissionDecision allow() {
    return new AdmissionDecision(true, "", List.of(), null, List.of());
  }

  /** Allowed and recorded; {@code warning} tells the user (kubectl prints it) what happens next. */
  static AdmissionDecision allowAndRecord(Session session, String warning) {
    return new AdmissionDecision(true, "", List.of(), session, List.of(warning));
  }

  /** Allowed although a policy enforces, for the reason given (break-glass, an exception). */
  static AdmissionDecision allowWithWarning(String warning) {
    return new AdmissionDecision(true, "", List.of(), null, List.of(warning));
  }

  static AdmissionDecision deny(String message) {
    return new AdmissionDecision(false, message, List.of(), null, List.of());
  }

  static AdmissionDecision patch(List<Map<String, Object>> operations) {
    return new AdmissionDecision(true, "", List.copyOf(operations), null, List.of());
  }
}
