package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsWhatDecisionsNeed() {
    AdmissionRequest request = AdmissionRequest.of(JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", Map.of("uid", "u", "operation", "CONNECT", "resource",
            Map.of("resource", "pods"), "subResource", "exec", "namespace", "ns", "name", "p", "dryRun", true,
            "userInfo", Map.of("username", "bob"), "object", Map.of("container", "c", "command", List.of("ls"))))));
    assertThat(request.is("CONNECT", "pods", "exec")).isTrue();
    assertThat(request.username()).isEqualTo("bob");
    assertThat(request.dryRun()).isTrue();
    assertThat(request.container()).isEqualTo("c");
    assertThat(request.command()).containsExactly("ls");
  }

  @Test
  void saysWhatIsMissing() {
    assertThatThrownBy(() -> AdmissionRequest.of(JSON.valueToTree(List.of()))).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> AdmissionRequest.of(JSON.valueToTree(Map.of("apiVersion", "v1", "kind", "Pod"))))
        .hasMessageContaining("expected apiVersion admission.k8s.io/v1");
    assertThatThrownBy(() -> AdmissionRequest.of(JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview")))).hasMessageContaining("no request");
    assertThatThrownBy(() -> AdmissionRequest.of(JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", Map.of("operation", "CREATE"))))).hasMessageContaining("uid");
    assertThatThrownBy(() -> AdmissionRequest.of(JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1",
        "kind", "AdmissionReview", "request", Map.of("uid", 7))))).hasMessageContaining("uid");
  }

  @Test
  void oneUserActionIsOneSessionWithinTheWindow() {
    SessionDeduplicator sessions = new SessionDeduplicator(Duration.ofSeconds(10));
    AdmissionDecision.Session sh = new AdmissionDecision.Session("exec", "ns", "p", "c", "alice", List.of("sh"),
        List.of("web"));
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(sessions.firstSighting(sh, t0)).isTrue();
    assertThat(sessions.firstSighting(sh, t0.plusSeconds(1))).as("the SPDY retry of a WebSocket attempt").isFalse();
    assertThat(sessions.firstSighting(new AdmissionDecision.Session("exec", "ns", "p", "c", "alice", List.of("ls"),
        List.of("web")), t0.plusSeconds(1))).as("another command").isTrue();
    assertThat(sessions.firstSighting(sh, t0.plusSeconds(30))).as("the same command later").isTrue();
  }

  @Test
  void falcoAlertsNameTheirPod() {
    JsonNode alert = JSON.valueToTree(Map.of("rule", "Terminal shell in container", "priority", "Notice",
        "output", "A shell was spawned", "output_fields", Map.of("k8s.ns.name", "shop", "k8s.pod.name", "web-1",
            "container.name", "nginx")));
    assertThat(RuntimeAlert.parse(alert)).hasValueSatisfying(a -> {
      assertThat(a.namespace()).isEqualTo("shop");
      assertThat(a.pod()).isEqualTo("web-1");
      assertThat(a.container()).isEqualTo("nginx");
      assertThat(a.message()).contains("Terminal shell in container", "Notice", "A shell was spawned");
    });
    assertThat(RuntimeAlert.parse(JSON.valueToTree(Map.of("output", "x")))).isEmpty();
  }
}
