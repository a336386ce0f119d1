package dev.immutability.operator.drift;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.PolicyValidation;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Which policies select a pod, and which one governs its remediation. */
public final class PolicySelection {
  private PolicySelection() {}

  /** Kubernetes label selector semantics; an empty or missing selector selects nothing. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    if (matchLabels.isEmpty() && expressions.isEmpty()) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    for (Map.Entry<String, String> entry : matchLabels.entrySet()) {
      if (!Objects.equals(actual.get(entry.getKey()), entry.getValue())) {
        return false;
      }
    }
    for (LabelSelectorRequirement requirement : expressions) {
      if (!matches(requirement, actual)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (Objects.toString(requirement.getOperator(), "")) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(requirement.getKey());
      case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
      default -> false;
    };
  }

  /**
   * The policies that act on a pod with these labels (null: on the pod whatever its labels), sorted by name. A
   * policy with problems (see {@link PolicyValidation}) never acts: it records nothing, replaces nothing and
   * decides no admission.
   */
  public static List<ImmutabilityPolicy> selecting(Collection<ImmutabilityPolicy> policies, Map<String, String> labels) {
    return policies.stream().filter(p -> labels == null || matches(p.getSpec().getSelector(), labels))
        .filter(p -> PolicyValidation.problems(p.getSpec()).isEmpty())
        .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
  }

  /**
   * The policies governing a pod: those whose selector matches its labels, and those that selected it when its
   * baseline was taken and have not changed since. Editing a pod's labels out of a selector (which needs only
   * patch on pods) must not erase its records or open it to exec; a policy's own change does release it.
   *
   * @param namespacePolicies the policies of the pod's namespace
   * @param selectedBy the baseline's policy generations (name to metadata.generation), empty without a baseline
   */
  public static List<ImmutabilityPolicy> selectingPod(Collection<ImmutabilityPolicy> namespacePolicies,
      Map<String, String> labels, Map<String, Long> selectedBy) {
    List<ImmutabilityPolicy> selecting = selecting(namespacePolicies, labels);
    if (selectedBy.isEmpty()) {
      return selecting;
    }
    List<ImmutabilityPolicy> unchanged = namespacePolicies.stream()
        .filter(p -> Objects.equals(selectedBy.get(p.getMetadata().getName()), p.getMetadata().getGeneration()))
        .toList();
    if (selecting.containsAll(unchanged)) {
      return selecting;
    }
    // The same rules as for a label match (valid policies only, sorted by name), whatever the labels say now.
    Set<ImmutabilityPolicy> both = new HashSet<>(selecting);
    both.addAll(unchanged);
    return selecting(both, null);
  }

  /**
   * When several policies select one pod, the strictest mode governs remediation (Enforce over Remediate over
   * Audit); among equals, the policy whose name sorts first. Every policy's findings are still recorded.
   */
  public static Optional<ImmutabilityPolicy> governing(List<ImmutabilityPolicy> selecting) {
    return selecting.stream().max(Comparator.<ImmutabilityPolicy, Integer>comparing(p -> p.getSpec().getMode().ordinal())
        .thenComparing(p -> p.getMetadata().getName(), Comparator.reverseOrder()));
  }
}
