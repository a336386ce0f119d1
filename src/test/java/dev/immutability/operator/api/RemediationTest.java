package dev.immutability.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemediationTest {

  private static Remediation maxUnavailable(IntOrString value) {
    Remediation remediation = new Remediation();
    remediation.setMaxUnavailable(value);
    return remediation;
  }

  @Test
  void maxUnavailableAsCountOrPercentOfMatchedPodsNeverBelowOne() {
    assertThat(maxUnavailable(new IntOrString(3)).maxUnavailableOf(10)).isEqualTo(3);
    assertThat(maxUnavailable(new IntOrString("25%")).maxUnavailableOf(10)).isEqualTo(2);
    assertThat(maxUnavailable(new IntOrString("10%")).maxUnavailableOf(3)).isEqualTo(1);
    assertThat(maxUnavailable(new IntOrString("100%")).maxUnavailableOf(7)).isEqualTo(7);
    assertThat(maxUnavailable(null).maxUnavailableOf(7)).isEqualTo(1);
  }

  @Test
  void durationsInTheFormsTheSchemaAccepts() {
    assertThat(Durations.parse("0s")).isZero();
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> Durations.parse("5 minutes")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    Remediation remediation = new Remediation();
    assertThat(remediation.getStrategy()).isEqualTo(Strategy.Evict);
    assertThat(remediation.execGrace()).isZero();
    assertThat(remediation.maxUnavailableOf(5)).isEqualTo(1);
    assertThat(remediation.isDryRun()).isFalse();
  }

  @Test
  void aPolicyWrittenByANewerVersionStillReads() {
    ImmutabilityPolicy policy = io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
        {"apiVersion":"immutability.dev/v1alpha1","kind":"ImmutabilityPolicy","metadata":{"name":"p"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},"fieldOfTomorrow":1,
                 "remediation":{"strategy":"Delete","anotherFieldOfTomorrow":"x"}},
         "status":{"phaseOfTomorrow":"y"}}""", ImmutabilityPolicy.class);
    assertThat(policy.getSpec().getRemediation().getStrategy()).isEqualTo(Strategy.Delete);
  }
}
