package dev.immutability.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsOutsideACluster() {
    OperatorSettings settings = OperatorSettings.from(Map.of());
    assertThat(settings.httpAddress().getPort()).isEqualTo(8080);
    assertThat(settings.httpAddress().getHostString()).isEqualTo("0.0.0.0");
    assertThat(settings.watchNamespaces()).isEmpty();
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.replacementTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.maxReplacementsPerMinute()).isEqualTo(30);
  }

  @Test
  void theClusterWideReplacementRateMustBeAPositiveNumber() {
    assertThat(OperatorSettings.from(Map.of("MAX_REPLACEMENTS_PER_MINUTE", "5")).maxReplacementsPerMinute())
        .isEqualTo(5);
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("MAX_REPLACEMENTS_PER_MINUTE", "0")))
        .hasMessageContaining("MAX_REPLACEMENTS_PER_MINUTE must be at least 1");
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("MAX_REPLACEMENTS_PER_MINUTE", "lots")))
        .hasMessageContaining("MAX_REPLACEMENTS_PER_MINUTE must be a whole number");
  }

  @Test
  void leaderElectionIsOnByDefaultInACluster() {
    OperatorSettings settings = OperatorSettings.from(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1",
        "POD_NAMESPACE", "immutability-system", "POD_NAME", "op-0"));
    assertThat(settings.leaderElection()).isTrue();
    assertThat(settings.leaseNamespace()).isEqualTo("immutability-system");
    assertThat(settings.instanceName()).isEqualTo("op-0");
  }

  @Test
  void everySettingCanBeGiven() {
    OperatorSettings settings = OperatorSettings.from(Map.of("HTTP_ADDRESS", "127.0.0.1:9090",
        "WATCH_NAMESPACES", "shop, payments ,", "LEADER_ELECTION", "false", "KUBERNETES_SERVICE_HOST", "x",
        "REPLACEMENT_TIMEOUT", "90s"));
    assertThat(settings.httpAddress().getHostString()).isEqualTo("127.0.0.1");
    assertThat(settings.httpAddress().getPort()).isEqualTo(9090);
    assertThat(settings.watchNamespaces()).containsExactlyInAnyOrder("shop", "payments");
    assertThat(settings.leaderElection()).isFalse();
    assertThat(settings.replacementTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void addressForms() {
    assertThat(OperatorSettings.address("9000").getPort()).isEqualTo(9000);
    assertThat(OperatorSettings.address(":9000").getHostString()).isEqualTo("0.0.0.0");
  }
}
