package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityExceptionSpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A time-boxed exception holds replacements back for its reasons until it expires, and its life is recorded. */
class ExceptionIT extends OperatorTestBase {

  private static ImmutabilityException exception(String name, String app, List<String> reasons, Instant expiresAt,
      String justification) {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setName(name);
    exception.getMetadata().setNamespace(cluster.namespace());
    ImmutabilityExceptionSpec spec = new ImmutabilityExceptionSpec();
    spec.setPodSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build());
    spec.setReasons(reasons);
    spec.setExpiresAt(expiresAt);
    spec.setJustification(justification);
    exception.setSpec(spec);
    return exception;
  }

  private static String phase(String name) {
    var status = client.resources(ImmutabilityException.class).inNamespace(cluster.namespace()).withName(name).get()
        .getStatus();
    return status == null ? null : status.getPhase();
  }

  @Test
  void anExceptionHoldsReplacementUntilItExpiresAndItsLifeIsRecorded() {
    workloads.policy("held", "held", Mode.Remediate, spec -> {});
    workloads.deployment("held", 1, Workloads.nginx().build());
    Pod pod = workloads.awaitBaselines("held", 1).get(0);
    Instant expiresAt = Instant.now().plusSeconds(25).truncatedTo(ChronoUnit.SECONDS);
    client.resource(exception("incident-42", "held", List.of("ImageChanged"), expiresAt,
        "INC-42: hot patch while the fix ships")).create();
    await("exception active").atMost(Workloads.TIMEOUT).until(() -> "Active".equals(phase("incident-42")));
    assertThat(workloads.eventsFor("ImmutabilityException", "incident-42"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ExceptionCreated"));

    workloads.editImage(pod.getMetadata().getName(), "nginx:1.28");
    await("drift still recorded").atMost(Workloads.TIMEOUT).until(() -> PodRecords.findings(
        workloads.pod(pod.getMetadata().getName())).stream().anyMatch(f -> f.reason() == DriftReason.ImageChanged));
    workloads.awaitOperatorCaughtUp();
    assertThat(Instant.now()).as("still within the exception").isBefore(expiresAt);
    assertThat(workloads.pod(pod.getMetadata().getName()).getMetadata().getUid())
        .isEqualTo(pod.getMetadata().getUid());

    await("replaced once the exception expired").atMost(Duration.ofSeconds(90)).until(() ->
        workloads.policy("held").getStatus().getReplacedPods() == 1);
    assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    await("exception expired").atMost(Workloads.TIMEOUT).until(() -> "Expired".equals(phase("incident-42")));
    assertThat(workloads.eventsFor("ImmutabilityException", "incident-42"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ExceptionExpired"));
  }

  @Test
  void aBadExceptionIsRefusedWithTheFieldNamed() {
    Instant later = Instant.now().plusSeconds(600);
    assertThatThrownBy(() -> client.resource(exception("bad-reason", "x", List.of("Everything"), later,
        "a long enough reason")).create()).hasMessageContaining("spec.reasons must name drift reasons");
    assertThatThrownBy(() -> client.resource(exception("short", "x", List.of(), later, "because")).create())
        .hasMessageContaining("spec.justification");
    ImmutabilityException everyone = exception("everyone", "x", List.of(), later, "a long enough reason");
    everyone.getSpec().setPodSelector(new LabelSelectorBuilder().build());
    assertThatThrownBy(() -> client.resource(everyone).create()).hasMessageContaining("spec.podSelector must set");
  }
}
