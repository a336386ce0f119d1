package dev.immutability.operator.config;

import dev.immutability.operator.api.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, read from environment variables (the Deployment sets them; all have defaults).
 *
 * @param watchNamespaces namespaces to watch; empty means all
 * @param barePodRecreation replace drifted pods no controller owns by delete and create (needs pods create)
 * @param configHashKeySecret the Secret of the operator's namespace that holds the key for config hashes
 * @param exitOnLeadershipLoss exit when the Lease is lost, so a replica that lost it can never act as a stale leader
 * @param maxReplacementsPerMinute evictions, deletes and rollout restarts allowed per minute across all policies
 * @param policyReports write policy reports where their CRD is installed
 * @param policyReportInterval how long a namespace's report changes are gathered before one write
 */
public record OperatorSettings(
    InetSocketAddress httpAddress,
    Set<String> watchNamespaces,
    boolean leaderElection,
    boolean exitOnLeadershipLoss,
    String leaseName,
    String leaseNamespace,
    String instanceName,
    Duration replacementTimeout,
    int maxReplacementsPerMinute,
    boolean barePodRecreation,
    String configHashKeySecret,
    boolean policyReports,
    Duration policyReportInterval,
    WebhookSettings webhook) {

  public static OperatorSettings fromEnvironment() {
    return from(System.getenv());
  }

  public static OperatorSettings from(Map<String, String> env) {
    boolean inCluster = env.containsKey("KUBERNETES_SERVICE_HOST");
    String podNamespace = env.getOrDefault("POD_NAMESPACE", "default");
    return new OperatorSettings(
        address(env.getOrDefault("HTTP_ADDRESS", ":8080")),
        Arrays.stream(env.getOrDefault("WATCH_NAMESPACES", "").split(",")).map(String::strip)
            .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION", String.valueOf(inCluster))),
        Boolean.parseBoolean(env.getOrDefault("LEADER_ELECTION_EXIT_ON_LOSS", "true")),
        env.getOrDefault("LEADER_ELECTION_LEASE", "immutability-operator"),
        env.getOrDefault("LEADER_ELECTION_NAMESPACE", podNamespace),
        env.getOrDefault("POD_NAME", hostname(env)),
        Durations.parse(env.getOrDefault("REPLACEMENT_TIMEOUT", "5m")),
        positive("MAX_REPLACEMENTS_PER_MINUTE", env.getOrDefault("MAX_REPLACEMENTS_PER_MINUTE", "30")),
        Boolean.parseBoolean(env.getOrDefault("BARE_POD_RECREATION", "true")),
        env.getOrDefault("CONFIG_HASH_KEY_SECRET", "immutability-operator-hash-key"),
        Boolean.parseBoolean(env.getOrDefault("POLICY_REPORTS", "true")),
        Durations.parse(env.getOrDefault("POLICY_REPORT_INTERVAL", "5s")),
        WebhookSettings.from(env, inCluster, podNamespace));
  }

  /** {@code host:port}, {@code :port} (all interfaces) or {@code port}. */
  public static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon <= 0 ? "0.0.0.0" : text.substring(0, colon);
    int port = Integer.parseInt(colon < 0 ? text : text.substring(colon + 1));
    return new InetSocketAddress(host, port);
  }

  private static int positive(String name, String text) {
    int value;
    try {
      value = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'");
    }
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, not " + value);
    }
    return value;
  }

  private static String hostname(Map<String, String> env) {
    return env.getOrDefault("HOSTNAME", "immutability-operator");
  }

  public OperatorSettings withHttpAddress(InetSocketAddress address) {
    return new OperatorSettings(address, watchNamespaces, leaderElection, exitOnLeadershipLoss, leaseName,
        leaseNamespace, instanceName, replacementTimeout, maxReplacementsPerMinute, barePodRecreation, configHashKeySecret,
        policyReports, policyReportInterval, webhook);
  }

  public OperatorSettings withWatchNamespaces(Set<String> namespaces) {
    return new OperatorSettings(httpAddress, Set.copyOf(namespaces), leaderElection, exitOnLeadershipLoss, leaseName,
        leaseNamespace, instanceName, replacementTimeout, maxReplacementsPerMinute, barePodRecreation, configHashKeySecret,
        policyReports, policyReportInterval, webhook);
  }

  public OperatorSettings withWebhook(WebhookSettings settings) {
    return new OperatorSettings(httpAddress, watchNamespaces, leaderElection, exitOnLeadershipLoss, leaseName,
        leaseNamespace, instanceName, replacementTimeout, maxReplacementsPerMinute, barePodRecreation, configHashKeySecret,
        policyReports, policyReportInterval, settings);
  }
}
