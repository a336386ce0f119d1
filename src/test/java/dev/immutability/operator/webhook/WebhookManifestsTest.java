package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The webhook configurations installed with the operator (config/webhook) match those it registers by URL. */
class WebhookManifestsTest {

  @Test
  void theInstalledWebhookConfigurationsMatchWhatTheOperatorRegistersByUrl() throws IOException {
    List<Object> documents = Serialization.unmarshal(Files.newInputStream(Path.of("config/webhook/manifests.yaml")));
    ValidatingWebhookConfiguration installed = (ValidatingWebhookConfiguration) documents.get(0);
    MutatingWebhookConfiguration installedMutating = (MutatingWebhookConfiguration) documents.get(1);
    WebhookRegistration registration = new WebhookRegistration(null, OperatorSettings.from(Map.of()).webhook(),
        Set.of(), 9443);
    ValidatingWebhookConfiguration registered = registration.validating("");
    assertThat(installed.getWebhooks()).hasSameSizeAs(registered.getWebhooks());
    for (int i = 0; i < installed.getWebhooks().size(); i++) {
      ValidatingWebhook a = installed.getWebhooks().get(i);
      ValidatingWebhook b = registered.getWebhooks().get(i);
      assertThat(a.getName()).isEqualTo(b.getName());
      assertThat(a.getRules()).isEqualTo(b.getRules());
      assertThat(a.getSideEffects()).isEqualTo(b.getSideEffects());
      assertThat(a.getTimeoutSeconds()).isEqualTo(b.getTimeoutSeconds());
      assertThat(a.getFailurePolicy()).isEqualTo(b.getFailurePolicy());
      assertThat(a.getMatchConditions()).isEqualTo(b.getMatchConditions());
      assertThat(a.getClientConfig().getService().getPath()).isEqualTo("/validate");
    }
    var mutating = registration.mutating("").getWebhooks();
    assertThat(installedMutating.getWebhooks()).hasSameSizeAs(mutating);
    for (int i = 0; i < mutating.size(); i++) {
      var installedHook = installedMutating.getWebhooks().get(i);
      assertThat(installedHook.getName()).isEqualTo(mutating.get(i).getName());
      assertThat(installedHook.getRules()).isEqualTo(mutating.get(i).getRules());
      assertThat(installedHook.getFailurePolicy()).isEqualTo(mutating.get(i).getFailurePolicy());
      assertThat(installedHook.getMatchConditions()).isEqualTo(mutating.get(i).getMatchConditions());
      assertThat(installedHook.getReinvocationPolicy()).isEqualTo(mutating.get(i).getReinvocationPolicy());
      assertThat(installedHook.getSideEffects()).isEqualTo(mutating.get(i).getSideEffects());
    }
  }
}
