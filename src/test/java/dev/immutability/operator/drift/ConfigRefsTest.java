package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigRefsTest {

  @Test
  void volumesProjectedVolumesEnvFromAndValueFromAreAllConsumption() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("cm").withNewConfigMap().withName("cm-vol").endConfigMap().endVolume()
        .addNewVolume().withName("sec").withNewSecret().withSecretName("secret-vol").endSecret().endVolume()
        .addNewVolume().withName("proj").withNewProjected()
        .addNewSource().withNewConfigMap().withName("cm-proj").endConfigMap().endSource()
        .addNewSource().withNewSecret().withName("secret-proj").endSecret().endSource()
        .endProjected().endVolume()
        .editContainer(0)
        .addNewVolumeMount().withName("cm").withMountPath("/a").endVolumeMount()
        .addNewVolumeMount().withName("sec").withMountPath("/b").endVolumeMount()
        .addNewVolumeMount().withName("proj").withMountPath("/c").endVolumeMount()
        .addNewEnvFrom().withNewConfigMapRef().withName("cm-envfrom").endConfigMapRef().endEnvFrom()
        .addNewEnvFrom().withNewSecretRef().withName("secret-envfrom").endSecretRef().endEnvFrom()
        .addNewEnv().withName("A").withNewValueFrom().withNewConfigMapKeyRef().withName("cm-key").withKey("k")
        .endConfigMapKeyRef().endValueFrom().endEnv()
        .addNewEnv().withName("B").withNewValueFrom().withNewSecretKeyRef().withName("secret-key").withKey("k")
        .endSecretKeyRef().endValueFrom().endEnv()
        .endContainer().endSpec().build();

    assertThat(ConfigRefs.of(pod)).extracting(ConfigRef::key).containsExactlyInAnyOrder(
        "ConfigMap/cm-vol", "Secret/secret-vol", "ConfigMap/cm-proj", "Secret/secret-proj",
        "ConfigMap/cm-envfrom", "Secret/secret-envfrom", "ConfigMap/cm-key", "Secret/secret-key");
    assertThat(ConfigRefs.of(pod)).allSatisfy(ref -> assertThat(ref.containers()).containsExactly("app"));
  }

  @Test
  void eachRefNamesTheContainersThatConsumeIt() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("shared").withNewConfigMap().withName("shared").endConfigMap().endVolume()
        .editContainer(0).addNewVolumeMount().withName("shared").withMountPath("/s").endVolumeMount().endContainer()
        .addNewContainer().withName("sidecar").withImage("envoy")
        .addNewVolumeMount().withName("shared").withMountPath("/s").endVolumeMount().endContainer()
        .endSpec().build();
    assertThat(ConfigRefs.of(pod)).singleElement()
        .satisfies(ref -> assertThat(ref.containers()).isEqualTo(Set.of("app", "sidecar")));
  }

  @Test
  void aVolumeNoContainerMountsIsNotConsumed() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("unused").withNewConfigMap().withName("unused").endConfigMap().endVolume()
        .endSpec().build();
    assertThat(ConfigRefs.of(pod)).isEmpty();
  }

  @Test
  void theServiceAccountVolumeKubernetesInjectsIsThePlatformsNotTheApps() {
    Pod pod = TestPods.running().editSpec()
        .addNewVolume().withName("kube-api-access-x").withNewProjected()
        .addNewSource().withNewServiceAccountToken().withPath("token").endServiceAccountToken().endSource()
        .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").endConfigMap().endSource()
        .endProjected().endVolume()
        .editContainer(0).addNewVolumeMount().withName("kube-api-access-x")
        .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount").endVolumeMount().endContainer()
        .endSpec().build();
    assertThat(ConfigRefs.of(pod)).isEmpty();
  }

  @Test
  void aPodWithoutVolumesOrEnvConsumesNothing() {
    assertThat(ConfigRefs.of(TestPods.pod())).isEmpty();
  }
}
