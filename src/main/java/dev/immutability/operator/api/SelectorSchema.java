package dev.immutability.operator.api;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * The CRD schema of {@code spec.selector}: a Kubernetes label selector with bounds, so that the API server can
 * check each expression with CEL within its cost budget. The Java field stays a fabric8 {@code LabelSelector}.
 */
final class SelectorSchema {
  @Size(max = 64)
  public Map<String, String> matchLabels;

  @Size(max = 32)
  public List<Expression> matchExpressions;

  @ValidationRule(value = "!(self.operator in ['In', 'NotIn']) || (has(self.values) && size(self.values) > 0)",
      message = "spec.selector.matchExpressions: operators In and NotIn need at least one value")
  @ValidationRule(value = "!(self.operator in ['Exists', 'DoesNotExist']) || !has(self.values) || size(self.values) == 0",
      message = "spec.selector.matchExpressions: operators Exists and DoesNotExist take no values")
  static final class Expression {
    @Required
    @Size(max = 317)
    public String key;

    @Required
    public Operator operator;

    @Size(max = 64)
    public List<@Size(max = 63) String> values;
  }

  enum Operator { In, NotIn, Exists, DoesNotExist }
}
