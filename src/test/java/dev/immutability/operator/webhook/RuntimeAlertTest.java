package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.immutability.operator.api.AlertPriority;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.RuntimeAlerts;
import dev.immutability.operator.drift.TestPods;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RuntimeAlertTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ImmutabilityPolicy policy(String name, Consumer<RuntimeAlerts> runtime) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.setSpec(TestPods.policy());
    runtime.accept(policy.getSpec().getRuntime());
    return policy;
  }

  private static RuntimeAlert alert(String rule, String priority) {
    return RuntimeAlert.parse(JSON.valueToTree(Map.of("rule", rule, "priority", priority, "output", "x",
        "output_fields", Map.of("k8s.ns.name", "shop", "k8s.pod.name", "web-1")))).orElseThrow();
  }

  @Test
  void theRuleAndPriorityAreReadAsFalcoWritesThem() {
    RuntimeAlert alert = alert("Terminal shell in container", "Notice");
    assertThat(alert.rule()).isEqualTo("Terminal shell in container");
    assertThat(alert.priority()).isEqualTo("Notice");
  }

  @Test
  void eachPolicyDecidesWhetherAFalcoAlertIsDrift() {
    ImmutabilityPolicy defaults = policy("defaults", r -> { });
    ImmutabilityPolicy allowsShells = policy("allows-shells",
        r -> r.setAllowedRules(List.of("Terminal shell in container")));
    ImmutabilityPolicy critical = policy("critical-only", r -> r.setMinimumPriority(AlertPriority.Critical));
    List<ImmutabilityPolicy> all = List.of(defaults, allowsShells, critical);

    assertThat(alert("Terminal shell in container", "Warning").countedBy(all)).containsExactly("defaults");
    assertThat(alert("Terminal shell in container", "Critical").countedBy(all))
        .containsExactly("defaults", "critical-only");
    assertThat(alert("Write below etc", "WARNING").countedBy(all)).containsExactly("defaults", "allows-shells");
    assertThat(alert("Write below etc", "Notice").countedBy(all)).as("below the default minimum, Warning").isEmpty();
    assertThat(alert("Write below etc", "whatever").countedBy(all)).as("an unknown priority counts as severe")
        .containsExactly("defaults", "allows-shells", "critical-only");
    assertThat(alert("Write below etc", "Emergency").countedBy(List.of())).isEmpty();
  }
}
