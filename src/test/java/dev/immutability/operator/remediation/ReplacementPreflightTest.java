package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.ConfigRef;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import org.junit.jupiter.api.Test;

class ReplacementPreflightTest {

  @Test
  void everyReferenceNotMarkedOptionalIsRequired() {
    PodSpec spec = new PodSpecBuilder()
        .addNewVolume().withName("cfg").withNewConfigMap().withName("app-config").endConfigMap().endVolume()
        .addNewVolume().withName("opt").withNewConfigMap().withName("extra").withOptional(true).endConfigMap()
        .endVolume()
        .addNewVolume().withName("tls").withNewSecret().withSecretName("tls").endSecret().endVolume()
        .addNewVolume().withName("all").withNewProjected().addNewSource().withNewSecret().withName("projected")
        .endSecret().endSource().endProjected().endVolume()
        .addNewInitContainer().withName("init").addNewEnvFrom().withNewSecretRef().withName("init-env").endSecretRef()
        .endEnvFrom().endInitContainer()
        .addNewContainer().withName("app").addNewEnv().withName("K").withNewValueFrom().withNewConfigMapKeyRef()
        .withName("keys").withKey("k").endConfigMapKeyRef().endValueFrom().endEnv()
        .addNewEnv().withName("O").withNewValueFrom().withNewSecretKeyRef().withName("maybe").withKey("k")
        .withOptional(true).endSecretKeyRef().endValueFrom().endEnv().endContainer()
        .build();
    assertThat(ReplacementPreflight.requiredConfigs(spec)).extracting(ConfigRef::key).containsExactlyInAnyOrder(
        "ConfigMap/app-config", "Secret/tls", "Secret/projected", "Secret/init-env", "ConfigMap/keys");
  }
}
