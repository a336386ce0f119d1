package dev.immutability.operator.webhook;

import dev.immutability.operator.config.WebhookSettings;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchConditionBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
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
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Tells the API server where the webhook is. In {@code url} mode (the operator outside a cluster) it writes the
 * configurations itself, pointing at its own address, and removes them on shutdown; in {@code service} mode the
 * configurations come with the install and it writes only its CA into their caBundle.
 */
final class WebhookRegistration {
  private static final int HTTP_CONFLICT = 409;
  private static final int CONFLICT_ATTEMPTS = 5;
  static final int TIMEOUT_SECONDS = 5;

  /** Entries with this suffix fail closed and cover only namespaces with an Enforce policy. */
  static final String ENFORCE_SUFFIX = ".enforce.immutability.dev";
  static final String ENFORCE_CONDITION = "enforce-namespaces";

  private final KubernetesClient client;
  private final WebhookSettings settings;
  private final Set<String> watchNamespaces;
  private final int port;
  private volatile String caBundle;
  private volatile Set<String> enforcing = Set.of();

  WebhookRegistration(KubernetesClient client, WebhookSettings settings, Set<String> watchNamespaces, int port) {
    this.client = client;
    this.settings = settings;
    this.watchNamespaces = watchNamespaces;
    this.port = port;
  }

  void caBundleChanged(String pem) {
    caBundle = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    switch (settings.registration()) {
      case "url" -> apply();
      case "service" -> injectCaBundle(caBundle);
      default -> { }
    }
  }

  /**
   * The namespaces that hold an Enforce policy: there the webhook fails closed (an unreachable webhook must not
   * let exec or a writable pod through); everywhere else it fails open. Written only when the set changes.
   */
  void enforcingNamespaces(Set<String> namespaces) {
    enforcing = Set.copyOf(namespaces);
    // Compared with what is installed, not with what was last written: a GitOps tool may have reset it.
    if (!installedConditionsMatch()) {
      if ("url".equals(settings.registration())) {
        apply();
      } else {
        setEnforceConditions();
      }
    }
  }

  private boolean installedConditionsMatch() {
    String name = settings.configurationName();
    var validating = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).get();
    var mutating = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).get();
    if (validating == null || mutating == null) {
      return !"url".equals(settings.registration()) || caBundle == null;
    }
    return validating.getWebhooks().stream().allMatch(w -> hasEnforceCondition(w.getName(), w.getMatchConditions()))
        && mutating.getWebhooks().stream().allMatch(w -> hasEnforceCondition(w.getName(), w.getMatchConditions()));
  }

  private boolean hasEnforceCondition(String webhookName, List<MatchCondition> installed) {
    return List.of(condition(webhookName)).equals(installed);
  }

  private void apply() {
    if (caBundle != null) {
      client.resource(validating(caBundle)).forceConflicts().serverSideApply();
      client.resource(mutating(caBundle)).forceConflicts().serverSideApply();
    }
  }

  /** Installed configurations (chart, kustomize) carry both kinds of entries; only their conditions change. */
  private void setEnforceConditions() {
    String name = settings.configurationName();
    client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).edit(config -> {
      config.getWebhooks().forEach(w -> w.setMatchConditions(List.of(condition(w.getName()))));
      return config;
    });
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).edit(config -> {
      config.getWebhooks().forEach(w -> w.setMatchConditions(List.of(condition(w.getName()))));
      return config;
    });
  }

  /** CEL over the request's namespace: the enforce entry takes the Enforce namespaces, its twin all others. */
  private MatchCondition condition(String webhookName) {
    String list = enforcing.stream().sorted().map(ns -> "'" + ns + "'").collect(Collectors.joining(", ", "[", "]"));
    String expression = webhookName.endsWith(ENFORCE_SUFFIX) ? "request.namespace in " + list
        : "!(request.namespace in " + list + ")";
    return new MatchConditionBuilder().withName(ENFORCE_CONDITION).withExpression(expression).build();
  }

  private String failurePolicy(String webhookName) {
    return webhookName.endsWith(ENFORCE_SUFFIX) ? "Fail" : settings.failurePolicy();
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
    retryingConflicts(() -> client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name)
        .edit(config -> {
          config.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
          return config;
        }));
    retryingConflicts(() -> client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name)
        .edit(config -> {
          config.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
          return config;
        }));
  }

  /**
   * Every replica writes the same bundle when it starts, often in the same moment: a conflict means another wrote
   * first, and the edit is made again on what it left.
   */
  private static void retryingConflicts(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HTTP_CONFLICT || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
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
    List<ValidatingWebhook> webhooks = new ArrayList<>();
    for (String suffix : List.of(".immutability.dev", ENFORCE_SUFFIX)) {
      webhooks.add(webhook("sessions" + suffix, caBundle, rule("CONNECT", "pods/exec", "pods/attach")));
      webhooks.add(webhook("debug" + suffix, caBundle, rule("UPDATE", "pods/ephemeralcontainers")));
      webhooks.add(webhook("pods" + suffix, caBundle, rule("CREATE", "pods")));
    }
    return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.configurationName())
        .addToLabels("app.kubernetes.io/managed-by", "immutability-operator").endMetadata()
        .withWebhooks(webhooks).build();
  }

  private ValidatingWebhook webhook(String name, String caBundle, RuleWithOperations rule) {
    return new ValidatingWebhookBuilder().withName(name).withClientConfig(clientConfig("/validate", caBundle))
        .withRules(rule).withNamespaceSelector(namespaceSelector()).withFailurePolicy(failurePolicy(name))
        .withMatchConditions(condition(name)).withSideEffects("NoneOnDryRun").withTimeoutSeconds(TIMEOUT_SECONDS)
        .withAdmissionReviewVersions("v1")
        .build();
  }

  MutatingWebhookConfiguration mutating(String caBundle) {
    List<MutatingWebhook> webhooks = new ArrayList<>();
    for (String name : List.of("rootfs.immutability.dev", "rootfs" + ENFORCE_SUFFIX)) {
      webhooks.add(new MutatingWebhookBuilder().withName(name).withClientConfig(clientConfig("/mutate", caBundle))
          .withRules(rule("CREATE", "pods")).withNamespaceSelector(namespaceSelector())
          .withFailurePolicy(failurePolicy(name)).withMatchConditions(condition(name)).withSideEffects("None")
          .withTimeoutSeconds(TIMEOUT_SECONDS).withReinvocationPolicy("IfNeeded").withAdmissionReviewVersions("v1")
          .build());
    }
    return new MutatingWebhookConfigurationBuilder().withNewMetadata().withName(settings.configurationName())
        .addToLabels("app.kubernetes.io/managed-by", "immutability-operator").endMetadata()
        .withWebhooks(webhooks).build();
  }

  private static RuleWithOperations rule(String operation, String... resources) {
    return new RuleWithOperationsBuilder().withOperations(operation).withApiGroups("").withApiVersions("v1")
        .withResources(resources).withScope("Namespaced").build();
  }
}
