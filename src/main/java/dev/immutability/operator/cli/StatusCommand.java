package dev.immutability.operator.cli;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** {@code status}: the policies and the drifted pods, with their reasons. */
final class StatusCommand {
  private final KubernetesClient client;
  private final Clock clock;

  StatusCommand(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** @param namespace one namespace, or null for all */
  void run(String namespace, PrintStream out) {
    Instant now = clock.instant();
    boolean all = namespace == null;
    var policyQuery = client.resources(ImmutabilityPolicy.class);
    List<ImmutabilityPolicy> policies = (all ? policyQuery.inAnyNamespace().list() : policyQuery.inNamespace(namespace)
        .list()).getItems().stream().sorted(byNamespaceAndName()).toList();
    var podQuery = client.pods();
    List<Pod> drifted = (all ? podQuery.inAnyNamespace().withLabel(PodRecords.DRIFTED_LABEL, "true").list()
        : podQuery.inNamespace(namespace).withLabel(PodRecords.DRIFTED_LABEL, "true").list()).getItems().stream()
        .sorted(byNamespaceAndName()).toList();

    if (policies.isEmpty()) {
      out.println(all ? "No immutability policies found." : "No immutability policies found in " + namespace + ".");
      return;
    }
    Table table = all ? new Table("NAMESPACE", "POLICY", "MODE", "MATCHED", "DRIFTED", "REPLACED", "READY", "AGE")
        : new Table("POLICY", "MODE", "MATCHED", "DRIFTED", "REPLACED", "READY", "AGE");
    for (ImmutabilityPolicy policy : policies) {
      ImmutabilityPolicyStatus status = policy.getStatus() == null ? new ImmutabilityPolicyStatus() : policy.getStatus();
      List<String> cells = List.of(policy.getMetadata().getName(), String.valueOf(policy.getSpec().getMode()),
          String.valueOf(status.getMatchedPods()), String.valueOf(status.getDriftedPods()),
          String.valueOf(status.getReplacedPods()), condition(status, "Ready"), age(policy, now));
      table.row(withNamespace(all, policy, cells));
    }
    table.print(out, "");
    out.println();
    if (drifted.isEmpty()) {
      out.println("No drifted pods.");
      return;
    }
    Table pods = all ? new Table("NAMESPACE", "DRIFTED POD", "POLICIES", "REASONS", "SINCE")
        : new Table("DRIFTED POD", "POLICIES", "REASONS", "SINCE");
    for (Pod pod : drifted) {
      List<Finding> findings = PodRecords.findings(pod);
      String policyNames = findings.stream().flatMap(f -> f.policies().stream()).distinct().sorted()
          .collect(Collectors.joining(","));
      String reasons = findings.stream().map(f -> f.reason().name()).distinct().sorted()
          .collect(Collectors.joining(","));
      String since = findings.stream().map(Finding::detectedAt).min(Comparator.naturalOrder())
          .map(t -> Ages.between(t, now)).orElse("<unknown>");
      pods.row(withNamespace(all, pod, List.of(pod.getMetadata().getName(), policyNames, reasons, since)));
    }
    pods.print(out, "");
  }

  private static String[] withNamespace(boolean all, HasMetadata object, List<String> cells) {
    return (all ? Stream.concat(Stream.of(object.getMetadata().getNamespace()), cells.stream()) : cells.stream())
        .toArray(String[]::new);
  }

  private static String condition(ImmutabilityPolicyStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).map(Condition::getStatus)
        .findFirst().orElse("Unknown");
  }

  private static String age(HasMetadata object, Instant now) {
    String created = object.getMetadata().getCreationTimestamp();
    return created == null ? "<unknown>" : Ages.between(Instant.parse(created), now);
  }

  private static <T extends HasMetadata> Comparator<T> byNamespaceAndName() {
    return Comparator.comparing((T o) -> o.getMetadata().getNamespace()).thenComparing(o -> o.getMetadata().getName());
  }
}
