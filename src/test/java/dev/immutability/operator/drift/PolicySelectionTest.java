package dev.immutability.operator.drift;

import dev.immutability.operator.api.ImagePin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySelectionTest {
  private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  private static LabelSelectorBuilder selector() {
    return new LabelSelectorBuilder();
  }

  private static ImmutabilityPolicy policy(String name, Mode mode) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.setSpec(TestPods.policy());
    policy.getSpec().setMode(mode);
    return policy;
  }

  @Test
  void matchLabelsNeedEveryLabel() {
    assertThat(PolicySelection.matches(selector().addToMatchLabels("app", "web").build(), WEB)).isTrue();
    assertThat(PolicySelection.matches(selector().addToMatchLabels(Map.of("app", "web", "tier", "back")).build(), WEB)).isFalse();
  }

  @Test
  void expressionOperators() {
    assertThat(matches("tier", "In", "front", "back")).isTrue();
    assertThat(matches("tier", "In", "back")).isFalse();
    assertThat(matches("tier", "NotIn", "back")).isTrue();
    assertThat(matches("tier", "NotIn", "front")).isFalse();
    assertThat(matches("missing", "NotIn", "x")).isTrue();
    assertThat(matches("tier", "Exists")).isTrue();
    assertThat(matches("missing", "Exists")).isFalse();
    assertThat(matches("missing", "DoesNotExist")).isTrue();
    assertThat(matches("tier", "DoesNotExist")).isFalse();
    assertThat(matches("tier", "Bogus", "front")).isFalse();
  }

  private static boolean matches(String key, String operator, String... values) {
    LabelSelector selector = selector().addNewMatchExpression().withKey(key).withOperator(operator)
        .withValues(values).endMatchExpression().build();
    return PolicySelection.matches(selector, WEB);
  }

  @Test
  void anEmptyOrMissingSelectorSelectsNothing() {
    assertThat(PolicySelection.matches(null, WEB)).isFalse();
    assertThat(PolicySelection.matches(new LabelSelector(), WEB)).isFalse();
  }

  @Test
  void podsWithoutLabelsAreNotSelected() {
    assertThat(PolicySelection.matches(selector().addToMatchLabels("app", "web").build(), null)).isFalse();
  }

  @Test
  void theStrictestModeGovernsAndTiesGoToTheFirstName() {
    ImmutabilityPolicy audit = policy("a-audit", Mode.Audit);
    ImmutabilityPolicy remediateB = policy("b-remediate", Mode.Remediate);
    ImmutabilityPolicy remediateC = policy("c-remediate", Mode.Remediate);
    ImmutabilityPolicy enforce = policy("z-enforce", Mode.Enforce);
    assertThat(PolicySelection.governing(List.of(audit, remediateC, remediateB))).contains(remediateB);
    assertThat(PolicySelection.governing(List.of(audit, remediateB, enforce))).contains(enforce);
    assertThat(PolicySelection.governing(List.of())).isEmpty();
  }

  @Test
  void selectingFiltersAndSortsByName() {
    ImmutabilityPolicy other = policy("other", Mode.Audit);
    other.getSpec().setSelector(selector().addToMatchLabels("app", "db").build());
    ImmutabilityPolicy b = policy("b", Mode.Audit);
    ImmutabilityPolicy a = policy("a", Mode.Audit);
    assertThat(PolicySelection.selecting(List.of(b, other, a), WEB)).containsExactly(a, b);
  }

  @Test
  void aPolicyWithProblemsNeverActs() {
    ImmutabilityPolicy sound = policy("sound", Mode.Audit);
    ImmutabilityPolicy pinnedTwice = policy("pinned-twice", Mode.Enforce);
    String image = "nginx@sha256:" + "a".repeat(64);
    pinnedTwice.getSpec().setImages(List.of(new ImagePin("app", image), new ImagePin("app", image)));
    ImmutabilityPolicy existsWithValues = policy("exists-with-values", Mode.Remediate);
    existsWithValues.getSpec().setSelector(selector().addToMatchLabels("app", "web").addNewMatchExpression()
        .withKey("tier").withOperator("Exists").withValues("front").endMatchExpression().build());
    assertThat(PolicySelection.matches(existsWithValues.getSpec().getSelector(), WEB)).as("its selector matches")
        .isTrue();
    assertThat(PolicySelection.selecting(List.of(sound, pinnedTwice, existsWithValues), WEB)).containsExactly(sound);
  }

  @Test
  void anExpressionWithoutOperatorMatchesNothingAndThrowsNothing() {
    LabelSelector noOperator = selector().addNewMatchExpression().withKey("app").withValues("web")
        .endMatchExpression().build();
    assertThat(PolicySelection.matches(noOperator, WEB)).isFalse();
    ImmutabilityPolicy policy = policy("no-operator", Mode.Audit);
    policy.getSpec().setSelector(noOperator);
    assertThat(PolicySelection.selecting(List.of(policy), WEB)).isEmpty();
  }
}
