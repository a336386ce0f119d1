package dev.immutability.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.immutability.operator.api.ImmutabilityPolicy;
import java.util.List;
import java.util.Optional;

/** A runtime detector's alert about one pod, read from Falco's JSON output (as falcosidekick forwards it). */
record RuntimeAlert(String namespace, String pod, String container, String rule, String priority, String message) {
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
    String priority = alert.path("priority").asText("unknown priority");
    String output = alert.path("output").asText("");
    String message = "Falco rule \"" + rule + "\" (" + priority + "): " + output;
    return Optional.of(new RuntimeAlert(namespace, pod, container, rule, priority,
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message));
  }

  /** Names of the policies (of those selecting the pod) for which this alert is drift: spec.runtime decides. */
  List<String> countedBy(List<ImmutabilityPolicy> selecting) {
    return selecting.stream().filter(p -> p.getSpec().getRuntime() == null
        || p.getSpec().getRuntime().counts(rule, priority)).map(p -> p.getMetadata().getName()).toList();
  }
}
