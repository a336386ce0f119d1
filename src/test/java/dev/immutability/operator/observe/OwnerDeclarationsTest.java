package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerDeclarationsTest {
  private static final OwnerReference STATEFUL_SET = new OwnerReferenceBuilder().withKind("StatefulSet").withName("db")
      .withUid("sts-uid").withController(true).build();
  private static final OwnerReference DAEMON_SET = new OwnerReferenceBuilder().withKind("DaemonSet").withName("agent")
      .withUid("ds-uid").withController(true).build();

  private static Pod podWithRevision(String hash) {
    return new PodBuilder().withNewMetadata().withName("p").addToLabels(OwnerDeclarations.REVISION_LABEL, hash)
        .endMetadata().build();
  }

  /** A revision as the API server serves it: the whole template as a strategic-merge patch that replaces it. */
  private static ControllerRevision revision() {
    var template = new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "db").endMetadata()
        .withNewSpec().addNewContainer().withName("db").withImage("postgres:16").addNewEnv().withName("A")
        .withValue("x").endEnv().endContainer().addNewInitContainer().withName("init").withImage("busybox:1.36")
        .endInitContainer().endSpec().build();
    Map<String, Object> templateMap = Serialization.jsonMapper().convertValue(template, Map.class);
    templateMap.put("$patch", "replace");
    return new ControllerRevisionBuilder().withNewMetadata().withName("db-7c9d").withNamespace("shop").withUid("rev-uid")
        .withResourceVersion("42").addToAnnotations("big", "x".repeat(1000)).withOwnerReferences(STATEFUL_SET)
        .endMetadata().withRevision(3L).withData(Map.of("spec", Map.of("template", templateMap))).build();
  }

  @Test
  void aStatefulSetPodNamesItsRevisionAndADaemonSetPodOnlyItsHash() {
    assertThat(OwnerDeclarations.revisionNames(podWithRevision("db-7c9d"), STATEFUL_SET)).containsExactly("db-7c9d");
    assertThat(OwnerDeclarations.revisionNames(podWithRevision("6b5f"), DAEMON_SET)).containsExactly("agent-6b5f");
    assertThat(OwnerDeclarations.revisionNames(new PodBuilder().withNewMetadata().endMetadata().build(), DAEMON_SET))
        .isEmpty();
  }

  @Test
  void aRevisionDeclaresTheImagesOfItsTemplateInitContainersIncluded() {
    assertThat(OwnerDeclarations.revisionImages(revision()))
        .containsExactlyInAnyOrderEntriesOf(Map.of("db", "postgres:16", "init", "busybox:1.36"));
  }

  @Test
  void theCacheKeepsOnlyIdentityAndImagesOfARevision() {
    ControllerRevision slim = OwnerDeclarations.slim(revision());
    assertThat(OwnerDeclarations.revisionImages(slim)).isEqualTo(OwnerDeclarations.revisionImages(revision()));
    assertThat(slim.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(slim.getMetadata().getOwnerReferences()).containsExactly(STATEFUL_SET);
    assertThat(Serialization.asJson(slim)).doesNotContain("\"env\"").hasSizeLessThan(Serialization.asJson(revision())
        .length() / 3);
  }

  @Test
  void aReplicaSetsTemplateIsItsDeclarationAndItsRevisionComesFromItsAnnotation() {
    var replicaSet = new ReplicaSetBuilder().withNewMetadata()
        .addToAnnotations(OwnerDeclarations.DEPLOYMENT_REVISION, "7").endMetadata().withNewSpec().withNewTemplate()
        .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec().endTemplate()
        .endSpec().build();
    assertThat(OwnerDeclarations.templateImages(replicaSet)).contains(Map.of("web", "nginx:1.27"));
    assertThat(OwnerDeclarations.deploymentRevision(replicaSet)).isEqualTo(7);
    assertThat(OwnerDeclarations.deploymentRevision(new ReplicaSetBuilder().withNewMetadata().endMetadata().build()))
        .isZero();
  }
}
