package dev.immutability.operator.cli;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.Remediation;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.drift.PolicySelection;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code explain POD}: the pod's findings, its governing policy, and what will happen to it and when. */
final class ExplainCommand {
  private final KubernetesClient client;
  private final Clock clock;

  ExplainCommand(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void run(String namespace, String podName, PrintStream out) {
    Instant now = clock.instant();
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      throw new CommandException("pod " + podName + " not found in namespace " + namespace);
    }
    List<ImmutabilityPolicy> selecting = PolicySelection.selectingPod(
        client.resources(ImmutabilityPolicy.class).inNamespace(namespace).list().getItems(),
        pod.getMetadata().getLabels(), PodRecords.baseline(pod).map(b -> b.selectedBy()).orElse(Map.of()));
    out.println("Pod:          " + namespace + "/" + podName);
    if (selecting.isEmpty()) {
      out.println("Governed by:  no ImmutabilityPolicy selects this pod; the operator leaves it alone.");
      return;
    }
    ImmutabilityPolicy governing = PolicySelection.governing(selecting).orElseThrow();
    Remediation remediation = governing.getSpec().getRemediation();
    out.println("Governed by:  " + governing.getMetadata().getName() + " (mode " + governing.getSpec().getMode()
        + ", strategy " + remediation.getStrategy() + ", execGracePeriod " + remediation.getExecGracePeriod()
        + (remediation.isDryRun() ? ", dry run" : "") + ")");
    List<String> others = selecting.stream().filter(p -> p != governing).map(p -> p.getMetadata().getName()).toList();
    if (!others.isEmpty()) {
      out.println("Also selected by: " + String.join(", ", others) + " (their findings are recorded; "
          + governing.getMetadata().getName() + " decides replacement)");
    }
    out.println("Baseline:     " + PodRecords.baseline(pod).map(b -> "recorded " + Forecast.at(b.recordedAt()))
        .orElse("not recorded yet"));

    List<ImmutabilityException> exceptions = client.resources(ImmutabilityException.class).inNamespace(namespace)
        .list().getItems().stream()
        .filter(e -> PolicySelection.matches(e.getSpec().getPodSelector(), pod.getMetadata().getLabels()))
        .filter(e -> now.isBefore(e.effectiveExpiry())).toList();
    out.println("Exceptions:   " + (exceptions.isEmpty() ? "none" : exceptions.stream().map(e ->
        e.getMetadata().getName() + " (" + (e.getSpec().getReasons().isEmpty() ? "all reasons"
            : String.join(",", e.getSpec().getReasons())) + ") until " + Forecast.at(e.effectiveExpiry()) + ": "
            + e.getSpec().getJustification()).collect(Collectors.joining("; "))));

    List<Finding> findings = PodRecords.findings(pod);
    if (findings.isEmpty()) {
      out.println("Findings:     none; the pod is as declared.");
      out.println("What next:    " + (governing.getSpec().getMode().replacesPods()
          ? "drift found on it will be " + (remediation.isDryRun() ? "reported (dry run)" : "replaced by "
              + remediation.getStrategy()) : "drift found on it will be recorded (mode Audit)")
          + (governing.getSpec().getMode() == Mode.Enforce
              ? "; exec, attach and debug containers are refused" : ""));
    } else {
      out.println("Findings:");
      Table table = new Table("REASON", "CONTAINER", "AGE", "POLICIES", "MESSAGE");
      findings.forEach(f -> table.row(f.reason().name(), f.container() == null ? "-" : f.container(),
          Ages.between(f.detectedAt(), now), String.join(",", f.policies()), f.message()));
      table.print(out, "  ");
      out.println("What next:");
      Table next = new Table("REASON", "OUTCOME");
      findings.forEach(f -> next.row(f.reason().name(), Forecast.of(f, pod, governing, exceptions, now)));
      next.print(out, "  ");
    }
    ImmutabilityPolicyStatus status = governing.getStatus() == null ? new ImmutabilityPolicyStatus()
        : governing.getStatus();
    int matched = status.getMatchedPods();
    out.println("Budget:       at most " + remediation.maxUnavailableOf(matched) + " replacement(s) in flight for "
        + governing.getMetadata().getName() + " (maxUnavailable " + remediation.getMaxUnavailable().getValue() + " of "
        + matched + " matched pods), and MAX_REPLACEMENTS_PER_MINUTE across the operator");
    out.println("Blocked:      " + status.getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()) && "Degraded".equals(c.getType())).map(c -> c.getReason() + ": "
            + c.getMessage()).findFirst().orElse("no"));
  }
}
