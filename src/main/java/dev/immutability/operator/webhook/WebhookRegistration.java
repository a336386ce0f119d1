package dev.immutability.operator.webhook;

import dev.immutability.operator.config.WebhookSettings;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperationsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tells the API server where the webhook is. In {@code url} mode (the operator outside a cluster) it writes the
 * configurations itself, pointing at its own address, and removes them on shutdown; in {@code service} mode the
 * configurations come with the install and it writes only its CA into their caBundle.
 */
final class WebhookRegistration {
  static final int TIMEOUT_SECONDS = 5;

  private final KubernetesClient client;
  private final WebhookSettings settings;
  private final Set<String> watchNamespaces;
  private final int port;

  WebhookRegistration(KubernetesClient client, WebhookSettings settings, Set<String> watchNamespaces, int port) {
    this.client = client;
    this.settings = settings;
    this.watchNamespaces = watchNamespaces;
    this.port = port;
  }

  void caBundleChanged(String pem) {
    String caBundle = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    switch (settings.registration()) {
      case "url" -> {
        client.resource(validating(caBundle)).forceConflicts().serverSideApply();
        client.resource(mutating(caBundle)).forceConflicts().serverSideApply();
      }
      case "service" -> injectCaBundle(caBundle);
      default -> { }
    }
  }

  void close() {
    if ("url".equals(settings.registration())) {
      client.admissionRegistration().v1().validatingWebhookConfigurations().withName(settings.configurationName())
          .delete();
      client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(settings.configurationName())
          .delete();
    }
  }

  private void injectCaBundle(String caBundle) {
    String name = settings.configurationName();
    client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).edit(config -> {
      config.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
      return config;
    });
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).edit(config -> {
      config.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
      return config;
    });
  }

  private WebhookClientConfig clientConfig(String path, String caBundle) {
    return new WebhookClientConfigBuilder().withUrl("https://" + settings.urlHost() + ":" + port + path)
        .withCaBundle(caBundle).build();
  }

  /** The namespaces the operator watches, or every namespace but kube-system and its own. */
  private LabelSelector namespaceSelector() {
    String key = "kubernetes.io/metadata.name";
    if (!watchNamespaces.isEmpty()) {
      return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator("In")
          .withValues(new ArrayList<>(new TreeSet<>(watchNamespaces))).endMatchExpression().build();
    }
    return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator("NotIn")
        .withValues(new ArrayList<>(new TreeSet<>(Set.of("kube-system", settings.serviceNamespace()))))
        .endMatchExpression().build();
  }

  ValidatingWebhookConfiguration validating(String caBundle) {
    List<ValidatingWebhook> webhooks = List.of(
        webhook("sessions.immutability.dev", caBundle, rule("CONNECT", "pods/exec", "pods/attach")),
        webhook("debug.immutability.dev", caBundle, rule("UPDATE", "pods/ephemeralcontainers")),
        webhook("pods.immutability.dev", caBundle, rule("CREATE", "pods")));
    return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.configurationName())
        .addToLabels("app.kubernetes.io/managed-by", "immutability-operator").endMetadata()
        .withWebhooks(webhooks).build();
  }

  private ValidatingWebhook webhook(String name, String caBundle, RuleWithOperations rule) {
    return new ValidatingWebhookBuilder().withName(name).withClientConfig(clientConfig("/validate", caBundle))
        .withRules(rule).withNamespaceSelector(namespaceSelector()).withFailurePolicy(settings.failurePolicy())
        .withSideEffects("NoneOnDryRun").withTimeoutSeconds(TIMEOUT_SECONDS).withAdmissionReviewVersions("v1")
        .build();
  }

  MutatingWebhookConfiguration mutating(String caBundle) {
    return new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.configurationName())
        .addToLabels("app.kubernetes.io/managed-by", "immutability-operator").endMetadata()
        .addNewWebhook().withName("rootfs.immutability.dev").withClientConfig(clientConfig("/mutate", caBundle))
        .withRules(rule("CREATE", "pods")).withNamespaceSelector(namespaceSelector())
        .withFailurePolicy(settings.failurePolicy()).withSideEffects("None").withTimeoutSeconds(TIMEOUT_SECONDS)
        .withReinvocationPolicy("IfNeeded").withAdmissionReviewVersions("v1").endWebhook().build();
  }

  private static RuleWithOperations rule(String operation, String... resources) {
    return new RuleWithOperationsBuilder().withOperations(operation).withApiGroups("").withApiVersions("v1")
        .withResources(resources).withScope("Namespaced").build();
  }
}
