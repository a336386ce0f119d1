package dev.immutability.operator.webhook;

import java.util.List;
import java.util.Map;

/**
 * What the webhook answers: allow or deny with a message, an optional JSONPatch (mutation), and an optional session
 * to record on the pod after answering.
 */
record AdmissionDecision(boolean allowed, String message, List<Map<String, Object>> patch, Session session) {

  /** An exec or attach session to record as a finding on the pod. */
  record Session(String kind, String namespace, String pod, String container, String username, List<String> command,
      List<String> policies) {}

  static AdmissionDecision allow() {
    return new AdmissionDecision(true, "", List.of(), null);
  }

  static AdmissionDecision allowAndRecord(Session session) {
    return new AdmissionDecision(true, "", List.of(), session);
  }

  static AdmissionDecision deny(String message) {
    return new AdmissionDecision(false, message, List.of(), null);
  }

  static AdmissionDecision patch(List<Map<String, Object>> operations) {
    return new AdmissionDecision(true, "", List.copyOf(operations), null);
  }
}
