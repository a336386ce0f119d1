package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class OwnerChangesTest {
  private static final ReplicaSet BEFORE = new ReplicaSetBuilder().withNewMetadata().withName("web-1")
      .withGeneration(3L).withResourceVersion("10").addToLabels("app", "web")
      .addToAnnotations("deployment.kubernetes.io/revision", "4").endMetadata()
      .withNewSpec().withReplicas(5).endSpec().withNewStatus().withReplicas(5).withAvailableReplicas(4).endStatus()
      .build();

  private static ReplicaSet edited(java.util.function.Consumer<ReplicaSet> edit) {
    ReplicaSet copy = Serialization.clone(BEFORE);
    copy.getMetadata().setResourceVersion("11");
    edit.accept(copy);
    return copy;
  }

  @Test
  void aStatusWriteConcernsNoPod() {
    assertThat(OwnerChanges.concernPods(edited(rs -> rs.getStatus().setAvailableReplicas(5)), BEFORE)).isFalse();
  }

  @Test
  void aSpecChangeConcernsThePods() {
    assertThat(OwnerChanges.concernPods(edited(rs -> rs.getMetadata().setGeneration(4L)), BEFORE)).isTrue();
  }

  @Test
  void aNewDeploymentRevisionConcernsThePods() {
    // A rollback re-uses an old ReplicaSet by moving its revision annotation, without a new generation.
    assertThat(OwnerChanges.concernPods(edited(rs -> rs.getMetadata().getAnnotations()
        .put("deployment.kubernetes.io/revision", "5")), BEFORE)).isTrue();
  }

  @Test
  void aLabelChangeConcernsThePods() {
    assertThat(OwnerChanges.concernPods(edited(rs -> rs.getMetadata().getLabels().put("tier", "front")), BEFORE))
        .isTrue();
  }
}
