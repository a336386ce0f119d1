package dev.immutability.operator.cli;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityExceptionSpec;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code except POD}: a time-boxed ImmutabilityException for the pod. Exceptions select pods by label, so it
 * selects the pod's labels: its replicas and its replacement (same template) are covered too.
 */
final class ExceptCommand {
  /** Room for generateName's five random characters within a 63-character name. */
  private static final int NAME_PREFIX = 52;
  private final KubernetesClient client;
  private final Clock clock;

  ExceptCommand(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void run(String namespace, String podName, Duration duration, String justification, List<String> reasons,
      PrintStream out) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      throw new CommandException("pod " + podName + " not found in namespace " + namespace);
    }
    Map<String, String> labels = new TreeMap<>(pod.getMetadata().getLabels() == null ? Map.of()
        : pod.getMetadata().getLabels());
    labels.remove(PodRecords.DRIFTED_LABEL);
    if (labels.isEmpty()) {
      throw new CommandException("pod " + podName + " has no labels, and an exception selects pods by label");
    }
    if (duration.compareTo(ImmutabilityException.MAX_DURATION) > 0) {
      throw new CommandException("--for is at most " + ImmutabilityException.MAX_DURATION.toDays() + " days");
    }
    List<String> excepted = reasons.isEmpty() ? PodRecords.findings(pod).stream().map(Finding::reason)
        .map(Enum::name).distinct().sorted().toList() : reasons;
    Instant expiresAt = clock.instant().plus(duration).truncatedTo(ChronoUnit.SECONDS);

    ImmutabilityException exception = new ImmutabilityException();
    String prefix = podName.length() > NAME_PREFIX ? podName.substring(0, NAME_PREFIX) : podName;
    exception.getMetadata().setGenerateName(prefix + "-");
    exception.getMetadata().setNamespace(namespace);
    ImmutabilityExceptionSpec spec = new ImmutabilityExceptionSpec();
    spec.setPodSelector(new LabelSelectorBuilder().withMatchLabels(labels).build());
    spec.setReasons(excepted);
    spec.setExpiresAt(expiresAt);
    spec.setJustification(justification);
    exception.setSpec(spec);
    ImmutabilityException created = client.resource(exception).create();

    out.println("immutabilityexception.immutability.dev/" + created.getMetadata().getName() + " created");
    out.println("  holds:   " + (excepted.isEmpty() ? "every drift reason" : String.join(", ", excepted)));
    out.println("  pods:    " + labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(",")));
    out.println("  until:   " + expiresAt + " (" + Ages.of(duration) + ")");
  }
}
