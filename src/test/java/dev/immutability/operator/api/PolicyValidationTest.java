package dev.immutability.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {

  private static ImmutabilityPolicySpec withExpression(String operator, String... values) {
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addNewMatchExpression().withKey("app").withOperator(operator)
        .withValues(values).endMatchExpression().build());
    return spec;
  }

  @Test
  void aSoundPolicyHasNoProblems() {
    assertThat(PolicyValidation.problems(withExpression("In", "web"))).isEmpty();
    assertThat(PolicyValidation.problems(withExpression("Exists"))).isEmpty();
  }

  @Test
  void selectorExpressionsTheSchemaCannotCheck() {
    assertThat(PolicyValidation.problems(withExpression("Equals", "web"))).singleElement().asString()
        .contains("matchExpressions[0]", "unknown operator Equals");
    assertThat(PolicyValidation.problems(withExpression("In"))).singleElement().asString().contains("needs values");
    assertThat(PolicyValidation.problems(withExpression("Exists", "x"))).singleElement().asString()
        .contains("takes no values");
  }

  @Test
  void aContainerPinnedTwice() {
    ImmutabilityPolicySpec spec = withExpression("Exists");
    String image = "nginx@sha256:" + "a".repeat(64);
    spec.setImages(List.of(new ImagePin("app", image), new ImagePin("app", image)));
    assertThat(PolicyValidation.problems(spec)).singleElement().asString().contains("app is pinned twice");
  }

  @Test
  void anExpressionWithoutOperator() {
    assertThat(PolicyValidation.problems(withExpression(null, "web"))).singleElement().asString()
        .contains("matchExpressions[0]", "needs an operator");
  }
}
