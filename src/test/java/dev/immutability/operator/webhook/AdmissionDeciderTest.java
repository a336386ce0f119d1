package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AdmissionDeciderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<ImmutabilityPolicy> policies = new ArrayList<>();
  private final Pod running = TestPods.pod();
  private final AdmissionDecider decider = new AdmissionDecider(new FakePolicyLookup(List.of(running), policies));

  private void policy(String name, Mode mode, Consumer<ImmutabilityPolicy> customize) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace("shop");
    policy.setSpec(TestPods.policy());
    policy.getSpec().setMode(mode);
    customize.accept(policy);
    policies.add(policy);
  }

  private static AdmissionRequest request(String operation, String resource, String subResource, String name,
      Object object) {
    JsonNode review = JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", Map.of("uid", "u-1", "operation", operation, "resource", Map.of("group", "", "version", "v1",
            "resource", resource), "subResource", subResource, "namespace", "shop", "name", name,
            "userInfo", Map.of("username", "alice"), "object", object)));
    return AdmissionRequest.of(review);
  }

  private static AdmissionRequest exec(String pod) {
    return request("CONNECT", "pods", "exec", pod, Map.of("kind", "PodExecOptions", "container", "app",
        "command", List.of("sh", "-c", "id")));
  }

  private static AdmissionRequest create(Pod pod) {
    return request("CREATE", "pods", "", "", readTreeMap(Serialization.asJson(pod)));
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anExecOnASelectedPodIsAllowedAndRecordedInRemediateMode() {
    policy("web", Mode.Remediate, p -> {});
    AdmissionDecision decision = decider.validate(exec("web-1"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.session()).isEqualTo(new AdmissionDecision.Session("exec", "shop", "web-1", "app", "alice",
        List.of("sh", "-c", "id"), List.of("web")));
  }

  @Test
  void anExecIsDeniedInEnforceModeWithAMessageThatSaysHowToGetAccess() {
    policy("audit", Mode.Audit, p -> {});
    policy("web", Mode.Enforce, p -> {});
    AdmissionDecision decision = decider.validate(exec("web-1"));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("immutability policy shop/web (mode Enforce) denies exec into pod web-1",
        "switch the policy to Audit", "kubectl -n shop patch immutabilitypolicy web");
    assertThat(decision.session()).isNull();
  }

  @Test
  void anExecOnAPodNoPolicySelectsOrThatIsUnknownIsSimplyAllowed() {
    assertThat(decider.validate(exec("web-1"))).isEqualTo(AdmissionDecision.allow());
    policy("web", Mode.Enforce, p -> {});
    assertThat(decider.validate(exec("not-cached"))).isEqualTo(AdmissionDecision.allow());
  }

  @Test
  void execDetectionOffMeansNeitherRecordNorDeny() {
    policy("web", Mode.Enforce, p -> p.getSpec().getDetect().setExec(false));
    assertThat(decider.validate(exec("web-1"))).isEqualTo(AdmissionDecision.allow());
  }

  @Test
  void attachIsASessionOfItsOwnKind() {
    policy("web", Mode.Audit, p -> {});
    AdmissionDecision decision = decider.validate(request("CONNECT", "pods", "attach", "web-1",
        Map.of("kind", "PodAttachOptions", "container", "app")));
    assertThat(decision.session().kind()).isEqualTo("attach");
    assertThat(decision.session().command()).isEmpty();
  }

  @Test
  void debugContainersAreDeniedOnlyInEnforceMode() {
    Map<String, Object> object = readTreeMap(Serialization.asJson(running));
    policy("web", Mode.Remediate, p -> {});
    assertThat(decider.validate(request("UPDATE", "pods", "ephemeralcontainers", "web-1", object)).allowed()).isTrue();
    policy("strict", Mode.Enforce, p -> {});
    AdmissionDecision decision = decider.validate(request("UPDATE", "pods", "ephemeralcontainers", "web-1", object));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("adding a debug container to pod web-1");
  }

  @Test
  void aNewPodWithoutReadOnlyRootIsDeniedInEnforceMode() {
    policy("web", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    AdmissionDecision decision = decider.validate(create(running));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("containers [app] lack securityContext.readOnlyRootFilesystem: true",
        "rootFilesystem.mutate");
  }

  @Test
  void aNewPodWithReadOnlyRootOrInAnotherModeIsAllowed() {
    policy("web", Mode.Remediate, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    assertThat(decider.validate(create(running)).allowed()).isTrue();
    policy("strict", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    Pod readOnly = new PodBuilder(running).editSpec().editContainer(0).withNewSecurityContext()
        .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().endSpec().build();
    assertThat(decider.validate(create(readOnly)).allowed()).isTrue();
  }

  @Test
  void mutationSetsReadOnlyRootAndMountsEmptyDirsAtTheWritablePaths() {
    policy("web", Mode.Enforce, p -> {
      p.getSpec().getRootFilesystem().setRequireReadOnly(true);
      p.getSpec().getRootFilesystem().setMutate(true);
      p.getSpec().getRootFilesystem().setWritablePaths(List.of("/var/cache/nginx", "/var/run"));
    });
    AdmissionDecision decision = decider.mutate(create(running));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.patch()).containsExactly(
        Map.of("op", "add", "path", "/spec/volumes", "value", List.of(
            Map.of("name", "immutability-writable-0", "emptyDir", Map.of()),
            Map.of("name", "immutability-writable-1", "emptyDir", Map.of()))),
        Map.of("op", "add", "path", "/spec/containers/0/securityContext", "value",
            Map.of("readOnlyRootFilesystem", true)),
        Map.of("op", "add", "path", "/spec/containers/0/volumeMounts", "value", List.of(
            Map.of("name", "immutability-writable-0", "mountPath", "/var/cache/nginx"),
            Map.of("name", "immutability-writable-1", "mountPath", "/var/run"))));
  }

  @Test
  void mutationKeepsExistingVolumesMountsAndSecurityContexts() {
    policy("web", Mode.Enforce, p -> {
      p.getSpec().getRootFilesystem().setRequireReadOnly(true);
      p.getSpec().getRootFilesystem().setMutate(true);
      p.getSpec().getRootFilesystem().setWritablePaths(List.of("/tmp", "/data"));
    });
    Pod pod = new PodBuilder(running).editSpec()
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .editContainer(0).withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().endContainer()
        .endSpec().build();
    assertThat(decider.mutate(create(pod)).patch()).containsExactly(
        Map.of("op", "add", "path", "/spec/volumes/-", "value", Map.of("name", "immutability-writable-0",
            "emptyDir", Map.of())),
        Map.of("op", "add", "path", "/spec/volumes/-", "value", Map.of("name", "immutability-writable-1",
            "emptyDir", Map.of())),
        Map.of("op", "add", "path", "/spec/containers/0/securityContext/readOnlyRootFilesystem", "value", true),
        Map.of("op", "add", "path", "/spec/containers/0/volumeMounts/-", "value",
            Map.of("name", "immutability-writable-0", "mountPath", "/tmp")));
  }

  @Test
  void noMutationWithoutAnEnforcingMutatingPolicy() {
    policy("web", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    assertThat(decider.mutate(create(running)).patch()).isEmpty();
  }

  @Test
  void aCreateWhoseObjectIsNotAPodIsAnError() {
    policy("web", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    assertThatThrownBy(() -> decider.validate(request("CREATE", "pods", "", "", Map.of("kind", "Pod"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pod");
  }

  @Test
  void otherRequestsAreAllowedUntouched() {
    policy("web", Mode.Enforce, p -> {});
    assertThat(decider.validate(request("DELETE", "pods", "", "web-1", Map.of()))).isEqualTo(AdmissionDecision.allow());
    assertThat(decider.mutate(exec("web-1"))).isEqualTo(AdmissionDecision.allow());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readTreeMap(String json) {
    return JSON.convertValue(readTree(json), Map.class);
  }

  private static AdmissionRequest session(String subResource, String container) {
    Map<String, Object> options = container == null ? Map.of("kind", "PodExecOptions", "command", List.of("sh"))
        : Map.of("kind", "PodExecOptions", "container", container, "command", List.of("sh"));
    return request("CONNECT", "pods", subResource, "web-1", options);
  }

  private AdmissionDecider withSidecar(String defaultContainer) {
    PodBuilder pod = TestPods.running().editSpec().addNewContainer().withName("istio-proxy").withImage("proxy")
        .endContainer().endSpec();
    if (defaultContainer != null) {
      pod.editMetadata().addToAnnotations("kubectl.kubernetes.io/default-container", defaultContainer).endMetadata();
    }
    return new AdmissionDecider(new FakePolicyLookup(List.of(pod.build()), policies));
  }

  @Test
  void aSessionInAnExcludedContainerIsNeitherRecordedNorDenied() {
    policy("audit", Mode.Audit, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    policy("locked", Mode.Enforce, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    AdmissionDecider decider = withSidecar(null);
    assertThat(decider.validate(session("exec", "istio-proxy"))).isEqualTo(AdmissionDecision.allow());
    assertThat(decider.validate(session("attach", "istio-proxy"))).isEqualTo(AdmissionDecision.allow());
    assertThat(decider.validate(session("exec", "app")).allowed()).as("the other container").isFalse();
  }

  @Test
  void aContainerOnlySomePoliciesExcludeIsJudgedByTheOthers() {
    policy("mesh-aware", Mode.Enforce, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    policy("watcher", Mode.Audit, p -> { });
    AdmissionDecision decision = withSidecar(null).validate(session("exec", "istio-proxy"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.session().policies()).containsExactly("watcher");
    assertThat(decision.session().container()).isEqualTo("istio-proxy");
  }

  @Test
  void aSessionNamingNoContainerGoesIntoThePodsDefaultContainer() {
    policy("audit", Mode.Audit, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    AdmissionDecision first = withSidecar(null).validate(session("exec", null));
    assertThat(first.session().container()).as("the first container").isEqualTo("app");
    assertThat(withSidecar("istio-proxy").validate(session("exec", null))).as("the annotated default, excluded")
        .isEqualTo(AdmissionDecision.allow());
  }
}
