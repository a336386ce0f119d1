package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.drift.Baseline;
import dev.immutability.operator.drift.Baselines;
import dev.immutability.operator.drift.ConfigRefs;
import dev.immutability.operator.drift.DeclaredState;
import dev.immutability.operator.drift.DriftDetector;
import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.remediation.PodReadiness;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheTransformsTest {

  @Test
  void ownersLoseKubectlsCopyOfThemselves() {
    StatefulSet applied = new StatefulSetBuilder().withNewMetadata().withName("db")
        .addToAnnotations(CacheTransforms.LAST_APPLIED, "{\"kind\":\"StatefulSet\",\"spec\":{}}")
        .addToAnnotations("team", "data").endMetadata().build();
    assertThat(CacheTransforms.slimOwner(applied).getMetadata().getAnnotations()).containsOnlyKeys("team");
    StatefulSet plain = new StatefulSetBuilder().withNewMetadata().withName("db").endMetadata().build();
    assertThat(CacheTransforms.slimOwner(plain).getMetadata().getAnnotations()).isNullOrEmpty();
  }

  /** A Deployment's pod as the API server sends it, with everything a scheduler and kubelet add. */
  private static PodBuilder ownedPod() {
    return TestPods.running().editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName("web-5d8").withUid("rs-uid").withController(true).endOwnerReference().endMetadata()
        .editSpec().editFirstContainer()
        .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef("mode", "settings", false)
        .endValueFrom().endEnv()
        .addNewEnvFrom().withNewSecretRef().withName("creds").endSecretRef().endEnvFrom()
        .addNewVolumeMount().withName("conf").withMountPath("/etc/conf").endVolumeMount()
        .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m")).endResources()
        .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").endHttpGet().endReadinessProbe()
        .addNewPort().withContainerPort(8080).endPort()
        .endContainer()
        .addNewInitContainer().withName("init").withImage("busybox:1.36").endInitContainer()
        .addNewVolume().withName("conf").withNewConfigMap().withName("conf").endConfigMap().endVolume()
        .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").endToleration()
        .withNodeName("node-1").withSchedulerName("default-scheduler").endSpec()
        .editStatus().addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewCondition().withType("immutability.dev/Immutable").withStatus("True").endCondition()
        .addNewInitContainerStatus().withName("init").withImage("busybox:1.36")
        .withImageID("docker.io/library/busybox@" + TestPods.DIGEST_A).endInitContainerStatus()
        .withPodIP("10.0.0.7").withQosClass("Burstable").endStatus();
  }

  @Test
  void aSlimPodIsEvaluatedExactlyAsTheWholeOne() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Map<String, String> hashes = Map.of("ConfigMap/conf", "h1", "ConfigMap/settings#mode", "h2", "Secret/creds", "h3");
    Baseline baseline = Baselines.capture(ownedPod().build(), hashes, now).orElseThrow();
    // Drifted every way a cached pod can show: image edited in place, other bytes, a debug container, a changed
    // ConfigMap (the hashes below differ from the baseline's).
    Pod drifted = ownedPod().editSpec().editFirstContainer().withImage("nginx:1.28").endContainer()
        .addNewEphemeralContainer().withName("debugger").withImage("busybox:1.36").endEphemeralContainer().endSpec()
        .editStatus().editFirstContainerStatus().withImageID("docker.io/library/nginx@" + TestPods.DIGEST_B)
        .endContainerStatus().endStatus().build();
    DeclaredState declared = new DeclaredState(Map.of("app", "nginx:1.27", "init", "busybox:1.36"), baseline,
        Map.of("ConfigMap/conf", "h9", "ConfigMap/settings#mode", "h2", "Secret/creds", "h3"));
    ImmutabilityPolicySpec policy = TestPods.policy();

    Pod slim = CacheTransforms.slimPod(Serialization.clone(drifted));

    assertThat(DriftDetector.detect(slim, declared, policy, now)).isNotEmpty()
        .isEqualTo(DriftDetector.detect(drifted, declared, policy, now));
    assertThat(ConfigRefs.of(slim)).isEqualTo(ConfigRefs.of(drifted));
    assertThat(Baselines.capture(slim, hashes, now)).isEqualTo(Baselines.capture(drifted, hashes, now));
    assertThat(PodReadiness.isReady(slim)).isTrue();
    assertThat(Serialization.asJson(slim)).doesNotContain("not-ready", "healthz", "8080", "default-scheduler",
        "PodScheduled", "Burstable", "100m");
  }

  @Test
  void aBarePodKeepsItsWholeSpecToBeRecreatedFrom() {
    Pod bare = ownedPod().editMetadata().withOwnerReferences().endMetadata().build();
    Pod slim = CacheTransforms.slimPod(Serialization.clone(bare));
    assertThat(slim.getSpec()).isEqualTo(bare.getSpec());
  }
}
