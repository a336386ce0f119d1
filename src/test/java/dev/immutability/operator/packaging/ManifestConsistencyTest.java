package dev.immutability.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Copies that must not drift apart: the CRD and the alert rules. */
class ManifestConsistencyTest {
  private static final List<String> CRDS = List.of("immutabilitypolicies.immutability.dev-v1.yml",
      "immutabilityexceptions.immutability.dev-v1.yml");

  @Test
  void everyCopyOfEachCrdIsTheGeneratedOne() throws IOException {
    for (String crd : CRDS) {
      String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", crd));
      for (Path copy : List.of(Path.of("crds", crd), Path.of("config/crd/bases", crd),
          Path.of("helm/immutability-operator/crds", crd))) {
        assertThat(Files.readString(copy)).as("%s is stale; run hack/update-generated.sh", copy).isEqualTo(generated);
      }
    }
  }

  @Test
  void theChartShipsTheSameAlertRules() throws IOException {
    assertThat(Files.readString(Path.of("helm/immutability-operator/files/alerts.yaml")))
        .as("run hack/update-generated.sh").isEqualTo(Files.readString(Path.of("config/prometheus/alerts.yaml")));
  }

  @Test
  void theChartShipsTheSameDashboard() throws IOException {
    assertThat(Files.readString(Path.of("helm/immutability-operator/files/grafana-dashboard.json")))
        .as("run hack/update-generated.sh")
        .isEqualTo(Files.readString(Path.of("config/grafana/immutability-operator-dashboard.json")));
  }
}
