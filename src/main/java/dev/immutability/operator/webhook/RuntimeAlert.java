package dev.immutability.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A runtime detector's alert about one pod, read from Falco's JSON output (as falcosidekick forwards it). */
record RuntimeAlert(String namespace, String pod, String container, String message) {
  private static final int MAX_MESSAGE = 300;

  static Optional<RuntimeAlert> parse(JsonNode alert) {
    JsonNode fields = alert.path("output_fields");
    String namespace = fields.path("k8s.ns.name").asText("");
    String pod = fields.path("k8s.pod.name").asText("");
    if (namespace.isEmpty() || pod.isEmpty()) {
      return Optional.empty();
    }
    String container = fields.path("container.name").asText(null);
    String rule = alert.path("rule").asText("runtime alert");
    String output = alert.path("output").asText("");
    String message = "Falco rule \"" + rule + "\" (" + alert.path("priority").asText("unknown priority") + "): "
        + output;
    return Optional.of(new RuntimeAlert(namespace, pod, container,
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message));
  }
}
