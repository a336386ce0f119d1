package dev.immutability.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Copies that must not drift apart: the CRD, the alert rules, the dashboard and the JVM's options. */
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

  @Test
  void bothInstallsAndBothImagesRunTheSameJitThresholds() throws IOException {
    List<String> chart = jitOptions(Path.of("helm/immutability-operator/templates/deployment.yaml"));
    assertThat(chart).as("the chart's JIT options").isNotEmpty();
    for (Path copy : List.of(Path.of("config/manager/manager.yaml"), Path.of("Dockerfile"),
        Path.of("hack/operator-image.sh"))) {
      assertThat(jitOptions(copy)).as("%s's JIT options", copy).isEqualTo(chart);
    }
  }

  private static List<String> jitOptions(Path file) throws IOException {
    Matcher options = Pattern.compile("-XX:Tier\\w+=\\d+").matcher(Files.readString(file));
    return options.results().map(MatchResult::group).toList();
  }
}
