package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.Set;
import org.junit.jupiter.api.Nested;
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

    assertThat(ConfigRefs.of(pod)).extracting(ConfigRef::objectKey).containsExactlyInAnyOrder(
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

  @Nested
  class KeysRead {
    private ConfigRef only(Pod pod) {
      assertThat(ConfigRefs.of(pod)).hasSize(1);
      return ConfigRefs.of(pod).get(0);
    }

    private PodBuilder keyRef(PodBuilder pod, String env, String configMap, String key) {
      return pod.editSpec().editContainer(0).addNewEnv().withName(env).withNewValueFrom().withNewConfigMapKeyRef()
          .withName(configMap).withKey(key).endConfigMapKeyRef().endValueFrom().endEnv().endContainer().endSpec();
    }

    @Test
    void aConfigMapKeyRefReadsItsKeyOnly() {
      ConfigRef ref = only(keyRef(TestPods.running(), "A", "cfg", "a").build());
      assertThat(ref.keys()).containsExactly("a");
      assertThat(ref.readsAllKeys()).isFalse();
      assertThat(ref.key()).isEqualTo("ConfigMap/cfg[a]");
      assertThat(ref.objectKey()).isEqualTo("ConfigMap/cfg");
    }

    @Test
    void aSecretKeyRefReadsItsKeyOnly() {
      Pod pod = TestPods.running().editSpec().editContainer(0).addNewEnv().withName("P").withNewValueFrom()
          .withNewSecretKeyRef().withName("creds").withKey("password").endSecretKeyRef().endValueFrom().endEnv()
          .endContainer().endSpec().build();
      assertThat(only(pod).key()).isEqualTo("Secret/creds[password]");
    }

    @Test
    void severalKeyRefsToOneObjectReadTheUnionOfTheirKeysSorted() {
      Pod pod = keyRef(keyRef(keyRef(TestPods.running(), "B", "cfg", "b"), "A", "cfg", "a"), "A2", "cfg", "a")
          .build();
      assertThat(only(pod).key()).isEqualTo("ConfigMap/cfg[a,b]");
    }

    @Test
    void keysReadByDifferentContainersAreUnitedAndSoAreTheContainers() {
      Pod pod = keyRef(TestPods.running(), "A", "cfg", "a").editSpec().addNewContainer().withName("sidecar")
          .withImage("envoy").addNewEnv().withName("B").withNewValueFrom().withNewConfigMapKeyRef().withName("cfg")
          .withKey("b").endConfigMapKeyRef().endValueFrom().endEnv().endContainer().endSpec().build();
      ConfigRef ref = only(pod);
      assertThat(ref.keys()).containsExactly("a", "b");
      assertThat(ref.containers()).containsExactlyInAnyOrder("app", "sidecar");
    }

    @Test
    void envFromBesidesAKeyRefReadsTheWholeObject() {
      Pod pod = keyRef(TestPods.running(), "A", "cfg", "a").editSpec().editContainer(0).addNewEnvFrom()
          .withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom().endContainer().endSpec().build();
      assertThat(only(pod).readsAllKeys()).isTrue();
      assertThat(only(pod).key()).as("the key baselines have always used").isEqualTo("ConfigMap/cfg");
    }

    @Test
    void aWholeObjectReadBeforeAKeyRefStillReadsTheWholeObject() {
      Pod pod = TestPods.running().editSpec().editContainer(0).addNewEnvFrom().withNewConfigMapRef().withName("cfg")
          .endConfigMapRef().endEnvFrom().endContainer().endSpec().build();
      assertThat(only(keyRef(new PodBuilder(pod), "A", "cfg", "a").build()).readsAllKeys()).isTrue();
    }

    @Test
    void aVolumeWithItemsReadsThoseKeys() {
      Pod pod = TestPods.running().editSpec()
          .addNewVolume().withName("v").withNewConfigMap().withName("cfg").addNewItem().withKey("b").withPath("b.conf")
          .endItem().addNewItem().withKey("a").withPath("a.conf").endItem().endConfigMap().endVolume()
          .editContainer(0).addNewVolumeMount().withName("v").withMountPath("/etc/v").endVolumeMount().endContainer()
          .endSpec().build();
      assertThat(only(pod).key()).isEqualTo("ConfigMap/cfg[a,b]");
    }

    @Test
    void aSecretVolumeWithItemsReadsThoseKeys() {
      Pod pod = TestPods.running().editSpec()
          .addNewVolume().withName("v").withNewSecret().withSecretName("tls").addNewItem().withKey("tls.crt")
          .withPath("crt").endItem().endSecret().endVolume()
          .editContainer(0).addNewVolumeMount().withName("v").withMountPath("/tls").endVolumeMount().endContainer()
          .endSpec().build();
      assertThat(only(pod).key()).isEqualTo("Secret/tls[tls.crt]");
    }

    @Test
    void projectionsWithItemsReadThoseKeys() {
      Pod pod = TestPods.running().editSpec()
          .addNewVolume().withName("p").withNewProjected()
          .addNewSource().withNewConfigMap().withName("cfg").addNewItem().withKey("a").withPath("a").endItem()
          .endConfigMap().endSource()
          .addNewSource().withNewSecret().withName("creds").addNewItem().withKey("user").withPath("u").endItem()
          .endSecret().endSource()
          .endProjected().endVolume()
          .editContainer(0).addNewVolumeMount().withName("p").withMountPath("/p").endVolumeMount().endContainer()
          .endSpec().build();
      assertThat(ConfigRefs.of(pod)).extracting(ConfigRef::key)
          .containsExactlyInAnyOrder("ConfigMap/cfg[a]", "Secret/creds[user]");
    }

    @Test
    void aVolumeWithoutItemsBesidesOneWithItemsReadsTheWholeObject() {
      Pod pod = TestPods.running().editSpec()
          .addNewVolume().withName("some").withNewConfigMap().withName("cfg").addNewItem().withKey("a").withPath("a")
          .endItem().endConfigMap().endVolume()
          .addNewVolume().withName("all").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
          .editContainer(0).addNewVolumeMount().withName("some").withMountPath("/some").endVolumeMount()
          .addNewVolumeMount().withName("all").withMountPath("/all").endVolumeMount().endContainer()
          .endSpec().build();
      assertThat(only(pod).readsAllKeys()).isTrue();
    }

    @Test
    void anUnmountedVolumeWithItemsNarrowsNothing() {
      Pod pod = keyRef(TestPods.running(), "A", "cfg", "a").editSpec()
          .addNewVolume().withName("unused").withNewConfigMap().withName("cfg").addNewItem().withKey("b").withPath("b")
          .endItem().endConfigMap().endVolume().endSpec().build();
      assertThat(only(pod).key()).isEqualTo("ConfigMap/cfg[a]");
    }
  }

  @Test
  void aPodWithoutVolumesOrEnvConsumesNothing() {
    assertThat(ConfigRefs.of(TestPods.pod())).isEmpty();
  }

  @Test
  void initContainersAndSidecarsConsumeConfigLikeContainers() {
    var pod = TestPods.running().editSpec().addNewInitContainer().withName("migrate").withImage("m")
        .addNewEnvFrom().withNewConfigMapRef().withName("db-migrations").endConfigMapRef().endEnvFrom()
        .endInitContainer().endSpec().build();
    assertThat(ConfigRefs.of(pod)).singleElement().satisfies(ref -> {
      assertThat(ref.key()).isEqualTo("ConfigMap/db-migrations");
      assertThat(ref.containers()).containsExactly("migrate");
    });
  }
}
