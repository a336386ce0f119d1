package dev.immutability.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Sets status conditions the Kubernetes way: lastTransitionTime moves only when the status does. */
final class Conditions {
  static final String READY = "Ready";
  static final String COMPLIANT = "Compliant";
  static final String REMEDIATING = "Remediating";
  static final String DEGRADED = "Degraded";

  private Conditions() {}

  static List<Condition> set(List<Condition> conditions, String type, boolean status, String reason, String message,
      Long generation, Instant now) {
    String value = status ? "True" : "False";
    Condition previous = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String transition = previous != null && Objects.equals(previous.getStatus(), value)
        && previous.getLastTransitionTime() != null ? previous.getLastTransitionTime() : now.toString();
    List<Condition> result = new ArrayList<>(conditions.stream().filter(c -> !type.equals(c.getType())).toList());
    result.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(transition).build());
    result.sort((a, b) -> Integer.compare(order(a.getType()), order(b.getType())));
    return result;
  }

  private static int order(String type) {
    List<String> known = List.of(READY, COMPLIANT, REMEDIATING, DEGRADED);
    int index = known.indexOf(type);
    return index < 0 ? known.size() : index;
  }
}
