package dev.immutability.operator.config;

import java.net.InetSocketAddress;
import dev.immutability.operator.api.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The admission webhook's settings, from environment variables.
 *
 * @param tls {@code secret}: one CA and serving certificate for all replicas, kept in the Secret
 *     {@code certificates.secretName} of the operator's namespace and rotated there; {@code self-managed}: this
 *     process makes and rotates its own CA in memory (a single process); {@code files}: tls.crt and tls.key from
 *     certDir (cert-manager), reloaded when they change
 * @param registration {@code url}: the operator writes the webhook configurations itself, pointing at
 *     urlHost:port (outside a cluster); {@code service}: the configurations exist (chart, kustomize) and the
 *     operator writes its CA into their caBundle; {@code none}: someone else does (cert-manager's CA injector)
 * @param failurePolicy for every webhook the operator writes: Ignore (never lock anyone out) or Fail
 * @param runtimeEventsToken shared token for POST /runtime-events; empty disables the endpoint
 * @param certificates validity and rotation of the certificates the operator makes itself
 * @param clientCaFile CA of the client certificate the API server presents to webhooks; when set, admission
 *     reviews without it are refused; null when the cluster presents none
 */
public record WebhookSettings(
    boolean enabled,
    InetSocketAddress address,
    String tls,
    Path certDir,
    String registration,
    String configurationName,
    String urlHost,
    String serviceName,
    String serviceNamespace,
    String failurePolicy,
    String runtimeEventsToken,
    Certificates certificates,
    Path clientCaFile) {

  /**
   * @param validity how long each certificate is valid
   * @param renewBefore a certificate is replaced when less than this is left
   * @param refreshEvery how often certificates are checked (and the shared Secret read)
   * @param secretName the shared Secret in {@code secret} mode
   */
  public record Certificates(Duration validity, Duration renewBefore, Duration refreshEvery, String secretName) {}

  static WebhookSettings from(Map<String, String> env, boolean inCluster, String podNamespace) {
    String tls = env.getOrDefault("WEBHOOK_TLS", inCluster ? "secret" : "self-managed");
    String registration = env.getOrDefault("WEBHOOK_REGISTRATION", inCluster ? "service" : "url");
    require(tls, "WEBHOOK_TLS", "secret", "self-managed", "files");
    require(registration, "WEBHOOK_REGISTRATION", "url", "service", "none");
    String failurePolicy = env.getOrDefault("WEBHOOK_FAILURE_POLICY", "Ignore");
    require(failurePolicy, "WEBHOOK_FAILURE_POLICY", "Ignore", "Fail");
    return new WebhookSettings(
        Boolean.parseBoolean(env.getOrDefault("WEBHOOK_ENABLED", "true")),
        OperatorSettings.address(env.getOrDefault("WEBHOOK_ADDRESS", inCluster ? ":9443" : "127.0.0.1:9443")),
        tls,
        Path.of(env.getOrDefault("WEBHOOK_CERT_DIR", "/etc/webhook/tls")),
        registration,
        env.getOrDefault("WEBHOOK_CONFIGURATION_NAME", "immutability-operator"),
        env.getOrDefault("WEBHOOK_URL_HOST", "127.0.0.1"),
        env.getOrDefault("WEBHOOK_SERVICE_NAME", "immutability-operator-webhook"),
        podNamespace,
        failurePolicy,
        env.getOrDefault("RUNTIME_EVENTS_TOKEN", ""),
        new Certificates(Durations.parse(env.getOrDefault("WEBHOOK_CERT_VALIDITY", "2160h")),
            Durations.parse(env.getOrDefault("WEBHOOK_CERT_RENEW_BEFORE", "720h")),
            Durations.parse(env.getOrDefault("WEBHOOK_CERT_REFRESH", "10m")),
            env.getOrDefault("WEBHOOK_TLS_SECRET", "immutability-operator-webhook-tls")),
        env.getOrDefault("WEBHOOK_CLIENT_CA_FILE", "").isBlank() ? null : Path.of(env.get("WEBHOOK_CLIENT_CA_FILE")));
  }

  private static void require(String value, String name, String... allowed) {
    if (!List.of(allowed).contains(value)) {
      throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", not " + value);
    }
  }

  public WebhookSettings withAddress(InetSocketAddress newAddress) {
    return new WebhookSettings(enabled, newAddress, tls, certDir, registration, configurationName, urlHost,
        serviceName, serviceNamespace, failurePolicy, runtimeEventsToken, certificates, clientCaFile);
  }
}
