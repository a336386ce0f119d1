package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webhook fails closed only where an Enforce policy needs it: with the webhook unreachable, a pod is refused in
 * a namespace that holds an Enforce policy, and admitted once that policy is switched to Audit.
 */
class WebhookFailurePolicyIT extends OperatorTestBase {

  private static ValidatingWebhookConfiguration configuration() {
    return client.admissionRegistration().v1().validatingWebhookConfigurations()
        .withName("immutability-" + cluster.namespace()).get();
  }

  private static List<ValidatingWebhook> entries(boolean enforce) {
    return configuration().getWebhooks().stream()
        .filter(w -> w.getName().endsWith(WebhookRegistration.ENFORCE_SUFFIX) == enforce).toList();
  }

  private static boolean enforcedHere() {
    String quoted = "'" + cluster.namespace() + "'";
    return entries(true).stream().allMatch(w -> w.getMatchConditions().get(0).getExpression().contains(quoted))
        && entries(false).stream().allMatch(w -> w.getMatchConditions().get(0).getExpression().contains(quoted));
  }

  /** The webhook stops answering: every entry points at a port nothing listens on. */
  private static void makeUnreachable() {
    client.admissionRegistration().v1().validatingWebhookConfigurations().withName(configuration().getMetadata()
        .getName()).edit(c -> {
          c.getWebhooks().forEach(w -> w.getClientConfig().setUrl("https://127.0.0.1:1/validate"));
          return c;
        });
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(configuration().getMetadata()
        .getName()).edit(c -> {
          c.getWebhooks().forEach(w -> w.getClientConfig().setUrl("https://127.0.0.1:1/mutate"));
          return c;
        });
  }

  private static void createPod(String name) {
    client.pods().inNamespace(cluster.namespace()).resource(new PodBuilder().withNewMetadata().withName(name)
        .addToLabels("app", "strict").endMetadata().withSpec(Workloads.nginx().build()).build()).create();
  }

  @Test
  void onlyNamespacesWithAnEnforcePolicyFailClosed() {
    assertThat(entries(true)).hasSize(3).allSatisfy(w -> assertThat(w.getFailurePolicy()).isEqualTo("Fail"));
    assertThat(entries(false)).hasSize(3).allSatisfy(w -> assertThat(w.getFailurePolicy()).isEqualTo("Ignore"));

    workloads.policy("strict", "strict", Mode.Enforce, spec -> {});
    await("namespace enforced").atMost(Workloads.TIMEOUT).until(WebhookFailurePolicyIT::enforcedHere);
    makeUnreachable();
    assertThatThrownBy(() -> createPod("refused")).hasMessageContaining("failed calling webhook");

    client.resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace()).withName("strict").edit(p -> {
      p.getSpec().setMode(Mode.Audit);
      return p;
    });
    await("namespace no longer enforced").atMost(Workloads.TIMEOUT).until(() -> !enforcedHere());
    makeUnreachable();
    createPod("admitted");
    assertThat(client.pods().inNamespace(cluster.namespace()).withName("admitted").get()).isNotNull();
  }
}
