package dev.immutability.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class OwnerChangesTest {
  private static final ReplicaSet BEFORE = new ReplicaSetBuilder().withNewMetadata().withName("web-1")
      .withGeneration(3L).withResourceVersion("10").addToLabels("app", "web")
      .addToAnnotations("deployment.kubernetes.io/revision", "4").endMetadata()
      .withNewSpec().withReplicas(5).withNewTemplate().withNewSpec().addNewContainer().withName("web")
      .withImage("nginx:1.27").endContainer().endSpec().endTemplate().endSpec().withNewStatus().withReplicas(5).withAvailableReplicas(4).endStatus()
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
  void scalingConcernsNoPod() {
    assertThat(OwnerChanges.concernPods(edited(rs -> {
      rs.getMetadata().setGeneration(4L);
      rs.getSpec().setReplicas(3);
    }), BEFORE)).isFalse();
  }

  @Test
  void theReplicaCountsTheDeploymentCopiesOntoItsReplicaSetConcernNoPod() {
    assertThat(OwnerChanges.concernPods(edited(rs -> {
      rs.getSpec().setReplicas(7);
      rs.getMetadata().getAnnotations().put("deployment.kubernetes.io/desired-replicas", "7");
      rs.getMetadata().getAnnotations().put("deployment.kubernetes.io/max-replicas", "9");
    }), BEFORE)).isFalse();
  }

  @Test
  void aTemplateChangeConcernsThePods() {
    assertThat(OwnerChanges.concernPods(edited(rs -> {
      rs.getMetadata().setGeneration(4L);
      rs.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
    }), BEFORE)).isTrue();
  }

  @Test
  void aStatefulSetsUpdateStrategyConcernsItsPods() {
    StatefulSet before = new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata().withNewSpec()
        .withNewUpdateStrategy().withType("RollingUpdate").endUpdateStrategy().endSpec().build();
    StatefulSet after = Serialization.clone(before);
    after.getSpec().getUpdateStrategy().setType("OnDelete");
    assertThat(OwnerChanges.concernPods(after, before)).isTrue();
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
