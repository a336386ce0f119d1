package dev.immutability.operator.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One piece of drift on one pod.
 *
 * @param container the container concerned, or null for the pod as a whole
 * @param policies names of the policies that look for this drift on the pod (filled in by the caller)
 * @param unauthenticated heard on a channel whose sender could not be verified (a webhook call without the API
 *     server's client certificate): recorded, but no ground for replacing a pod unless the policy says so
 */
public record Finding(DriftReason reason, String container, String message, Instant detectedAt,
    List<String> policies, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean unauthenticated) {

  /** Longer messages (a command of a few hundred KB) are cut, so the findings annotation stays far below 256 KiB. */
  public static final int MAX_MESSAGE = 512;

  public Finding {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    message = capped(message);
    Objects.requireNonNull(detectedAt, "detectedAt");
    policies = policies == null ? List.of() : List.copyOf(policies);
  }

  public Finding(DriftReason reason, String container, String message, Instant detectedAt, List<String> policies) {
    this(reason, container, message, detectedAt, policies, false);
  }

  public static Finding of(DriftReason reason, String container, String message, Instant detectedAt) {
    return new Finding(reason, container, message, detectedAt, List.of());
  }

  public Finding heardUnauthenticated() {
    return new Finding(reason, container, message, detectedAt, policies, true);
  }

  /** Findings with the same key describe the same drift, whenever and by whichever policy they were seen. */
  public String key() {
    return reason + "|" + Objects.toString(container, "") + "|" + message;
  }

  public Finding withPolicies(List<String> names) {
    TreeSet<String> merged = new TreeSet<>(policies);
    merged.addAll(names);
    return new Finding(reason, container, message, detectedAt, List.copyOf(merged), unauthenticated);
  }

  /** The same finding naming exactly these policies. */
  public Finding namingOnly(List<String> names) {
    return new Finding(reason, container, message, detectedAt, names, unauthenticated);
  }

  public Finding withDetectedAt(Instant when) {
    return new Finding(reason, container, message, when, policies, unauthenticated);
  }

  /** The message, or its start with the full message's length and SHA-256, so the cut one still identifies it. */
  static String capped(String message) {
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    String hash = HexFormat.of().formatHex(ConfigHashes.sha256().digest(message.getBytes(StandardCharsets.UTF_8)));
    String tail = "… (" + message.length() + " characters, sha256:" + hash + ")";
    return message.substring(0, MAX_MESSAGE - tail.length()) + tail;
  }
}
