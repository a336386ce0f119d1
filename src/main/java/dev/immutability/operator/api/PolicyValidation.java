package dev.immutability.operator.api;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the schema cannot express. The CRD refuses most bad policies at admission; what passes it but still
 * cannot work is reported in the Ready condition.
 */
public final class PolicyValidation {
  private static final Set<String> SET_OPERATORS = Set.of("In", "NotIn");
  private static final Set<String> EXISTENCE_OPERATORS = Set.of("Exists", "DoesNotExist");

  private PolicyValidation() {}

  public static List<String> problems(ImmutabilityPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    List<LabelSelectorRequirement> expressions =
        spec.getSelector() == null || spec.getSelector().getMatchExpressions() == null ? List.of()
            : spec.getSelector().getMatchExpressions();
    for (int i = 0; i < expressions.size(); i++) {
      LabelSelectorRequirement requirement = expressions.get(i);
      String field = "spec.selector.matchExpressions[" + i + "]";
      String operator = requirement.getOperator();
      boolean hasValues = requirement.getValues() != null && !requirement.getValues().isEmpty();
      if (operator == null) {
        problems.add(field + ": needs an operator (In, NotIn, Exists or DoesNotExist)");
      } else if (SET_OPERATORS.contains(operator) && !hasValues) {
        problems.add(field + ": operator " + operator + " needs values");
      } else if (EXISTENCE_OPERATORS.contains(operator) && hasValues) {
        problems.add(field + ": operator " + operator + " takes no values");
      } else if (!SET_OPERATORS.contains(operator) && !EXISTENCE_OPERATORS.contains(operator)) {
        problems.add(field + ": unknown operator " + operator + " (use In, NotIn, Exists or DoesNotExist)");
      }
    }
    Set<String> pinned = new HashSet<>();
    for (ImagePin pin : spec.getImages() == null ? List.<ImagePin>of() : spec.getImages()) {
      if (!pinned.add(pin.getContainer())) {
        problems.add("spec.images: container " + pin.getContainer() + " is pinned twice");
      }
    }
    return problems;
  }
}
