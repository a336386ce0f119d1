package dev.immutability.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Copies that must not drift apart: the CRD and the alert rules. */
class ManifestConsistencyTest {
  private static final String CRD = "immutabilitypolicies.immutability.dev-v1.yml";

  @Test
  void everyCopyOfTheCrdIsTheGeneratedOne() throws IOException {
    String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", CRD));
    for (Path copy : List.of(Path.of("crds", CRD), Path.of("config/crd/bases", CRD),
        Path.of("helm/immutability-operator/crds", CRD))) {
      assertThat(Files.readString(copy)).as("%s is stale; run hack/update-generated.sh", copy).isEqualTo(generated);
    }
  }

  @Test
  void theChartShipsTheSameAlertRules() throws IOException {
    assertThat(Files.readString(Path.of("helm/immutability-operator/files/alerts.yaml")))
        .as("run hack/update-generated.sh").isEqualTo(Files.readString(Path.of("config/prometheus/alerts.yaml")));
  }
}
