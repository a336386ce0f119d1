package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicyStatus;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class PolicyChangesTest {

  private static ImmutabilityPolicy policy(long generation) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName("web");
    policy.getMetadata().setGeneration(generation);
    policy.getMetadata().setResourceVersion("100");
    policy.setSpec(TestPods.policy());
    return policy;
  }

  private static ImmutabilityPolicy copy(ImmutabilityPolicy policy) {
    return Serialization.clone(policy);
  }

  @Test
  void aStatusOrMetadataWriteConcernsNoPod() {
    ImmutabilityPolicy before = policy(2);
    ImmutabilityPolicy after = copy(before);
    after.getMetadata().setResourceVersion("101");
    after.setStatus(new ImmutabilityPolicyStatus());
    after.getStatus().setDriftedPods(3);
    after.getMetadata().getAnnotations().put("note", "x");
    assertThat(PolicyChanges.concernPods(after, before)).isFalse();
  }

  @Test
  void aSpecChangeConcernsThePods() {
    ImmutabilityPolicy before = policy(2);
    ImmutabilityPolicy after = copy(before);
    after.getMetadata().setGeneration(3L);
    assertThat(PolicyChanges.concernPods(after, before)).isTrue();
  }

  @Test
  void aSelectorChangeConcernsThePods() {
    ImmutabilityPolicy before = policy(2);
    ImmutabilityPolicy after = copy(before);
    after.getSpec().setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "api").build());
    assertThat(PolicyChanges.concernPods(after, before)).isTrue();
  }
}
