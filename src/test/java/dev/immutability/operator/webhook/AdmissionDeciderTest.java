package dev.immutability.operator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AdmissionDeciderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final List<ImmutabilityPolicy> policies = new ArrayList<>();
  private final Pod running = TestPods.pod();
  private final FakePolicyLookup lookup = new FakePolicyLookup(List.of(running), policies);
  private final AdmissionDecider decider = new AdmissionDecider(lookup, Clock.fixed(NOW, ZoneOffset.UTC));

  /** As the API server sends it, with its client certificate. */
  private AdmissionDecision validated(AdmissionRequest request) {
    return decider.validate(request, true);
  }

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
    AdmissionDecision decision = validated(exec("web-1"));
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.session()).isEqualTo(new AdmissionDecision.Session("exec", "shop", "web-1", "app", "alice",
        List.of("sh", "-c", "id"), List.of("web")));
  }

  @Test
  void anExecIsDeniedInEnforceModeWithAMessageThatSaysHowToGetAccess() {
    policy("audit", Mode.Audit, p -> {});
    policy("web", Mode.Enforce, p -> {});
    AdmissionDecision decision = validated(exec("web-1"));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("immutability policy shop/web (mode Enforce) denies exec into pod web-1",
        "switch the policy to Audit", "kubectl -n shop patch immutabilitypolicy web");
    assertThat(decision.session()).isNull();
  }

  @Test
  void anExecOnAPodNoPolicySelectsOrThatIsUnknownIsSimplyAllowed() {
    assertThat(validated(exec("web-1"))).isEqualTo(AdmissionDecision.allow());
    policy("web", Mode.Enforce, p -> {});
    assertThat(validated(exec("not-cached"))).isEqualTo(AdmissionDecision.allow());
  }

  @Test
  void execDetectionOffMeansNeitherRecordNorDeny() {
    policy("web", Mode.Enforce, p -> p.getSpec().getDetect().setExec(false));
    assertThat(validated(exec("web-1"))).isEqualTo(AdmissionDecision.allow());
  }

  @Test
  void attachIsASessionOfItsOwnKind() {
    policy("web", Mode.Audit, p -> {});
    AdmissionDecision decision = validated(request("CONNECT", "pods", "attach", "web-1",
        Map.of("kind", "PodAttachOptions", "container", "app")));
    assertThat(decision.session().kind()).isEqualTo("attach");
    assertThat(decision.session().command()).isEmpty();
  }

  @Test
  void debugContainersAreDeniedOnlyInEnforceMode() {
    Map<String, Object> object = readTreeMap(Serialization.asJson(running));
    policy("web", Mode.Remediate, p -> {});
    assertThat(validated(request("UPDATE", "pods", "ephemeralcontainers", "web-1", object)).allowed()).isTrue();
    policy("strict", Mode.Enforce, p -> {});
    AdmissionDecision decision = validated(request("UPDATE", "pods", "ephemeralcontainers", "web-1", object));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("adding a debug container to pod web-1");
  }

  @Test
  void aNewPodWithoutReadOnlyRootIsDeniedInEnforceMode() {
    policy("web", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    AdmissionDecision decision = validated(create(running));
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.message()).contains("containers [app] lack securityContext.readOnlyRootFilesystem: true",
        "rootFilesystem.mutate");
  }

  @Test
  void aNewPodWithReadOnlyRootOrInAnotherModeIsAllowed() {
    policy("web", Mode.Remediate, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    assertThat(validated(create(running)).allowed()).isTrue();
    policy("strict", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    Pod readOnly = new PodBuilder(running).editSpec().editContainer(0).withNewSecurityContext()
        .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().endSpec().build();
    assertThat(validated(create(readOnly)).allowed()).isTrue();
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
  void sidecarsAndInitContainersAreHeldToTheReadOnlyRootLikeContainers() {
    policy("web", Mode.Enforce, p -> p.getSpec().getRootFilesystem().setRequireReadOnly(true));
    Pod withSidecar = TestPods.running().editSpec().editContainer(0).withNewSecurityContext()
        .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().addNewInitContainer().withName("proxy")
        .withImage("envoy").withRestartPolicy("Always").endInitContainer().endSpec().build();
    AdmissionDecision denied = validated(create(withSidecar));
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.message()).contains("[proxy]");
    policies.get(0).getSpec().getRootFilesystem().setMutate(true);
    assertThat(decider.mutate(create(withSidecar)).patch()).containsExactly(
        Map.of("op", "add", "path", "/spec/initContainers/0/securityContext", "value",
            Map.of("readOnlyRootFilesystem", true)));
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
    assertThatThrownBy(() -> validated(request("CREATE", "pods", "", "", Map.of("kind", "Pod"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pod");
  }

  @Test
  void otherRequestsAreAllowedUntouched() {
    policy("web", Mode.Enforce, p -> {});
    assertThat(validated(request("DELETE", "pods", "", "web-1", Map.of()))).isEqualTo(AdmissionDecision.allow());
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
    return new AdmissionDecider(new FakePolicyLookup(List.of(pod.build()), policies), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void aSessionInAnExcludedContainerIsNeitherRecordedNorDenied() {
    policy("audit", Mode.Audit, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    policy("locked", Mode.Enforce, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    AdmissionDecider decider = withSidecar(null);
    assertThat(validated(session("exec", "istio-proxy"))).isEqualTo(AdmissionDecision.allow());
    assertThat(validated(session("attach", "istio-proxy"))).isEqualTo(AdmissionDecision.allow());
    assertThat(validated(session("exec", "app")).allowed()).as("the other container").isFalse();
  }

  @Test
  void aContainerOnlySomePoliciesExcludeIsJudgedByTheOthers() {
    policy("mesh-aware", Mode.Enforce, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    policy("watcher", Mode.Audit, p -> { });
    AdmissionDecision decision = withSidecar(null).validate(session("exec", "istio-proxy"), true);
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.session().policies()).containsExactly("watcher");
    assertThat(decision.session().container()).isEqualTo("istio-proxy");
  }

  @Test
  void aSessionNamingNoContainerGoesIntoThePodsDefaultContainer() {
    policy("audit", Mode.Audit, p -> p.getSpec().getExclude().setContainers(List.of("istio-proxy")));
    AdmissionDecision first = withSidecar(null).validate(session("exec", null), true);
    assertThat(first.session().container()).as("the first container").isEqualTo("app");
    assertThat(withSidecar("istio-proxy").validate(session("exec", null), true)).as("the annotated default, excluded")
        .isEqualTo(AdmissionDecision.allow());
  }

  private static AdmissionRequest execAs(String user, List<String> groups) {
    JsonNode review = JSON.valueToTree(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
        "request", Map.of("uid", "u-1", "operation", "CONNECT", "resource", Map.of("group", "", "version", "v1",
            "resource", "pods"), "subResource", "exec", "namespace", "shop", "name", "web-1",
            "userInfo", Map.of("username", user, "groups", groups),
            "object", Map.of("kind", "PodExecOptions", "container", "app", "command", List.of("sh")))));
    return AdmissionRequest.of(review);
  }

  private void exception(String name, List<String> reasons, Instant expiresAt) {
    ImmutabilityException exception = new ImmutabilityException();
    exception.getMetadata().setName(name);
    exception.getSpec().setPodSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build());
    exception.getSpec().setReasons(reasons);
    exception.getSpec().setExpiresAt(expiresAt);
    lookup.exceptions.add(exception);
  }

  @Test
  void anAllowedSessionTellsTheUserWhatHappensNext() {
    policy("web", Mode.Remediate, p -> p.getSpec().getRemediation().setExecGracePeriod("10m"));
    assertThat(validated(exec("web-1")).warnings())
        .containsExactly("exec recorded by policy web; this pod will be replaced in 10m");
    assertThat(decider.validate(exec("web-1"), false).warnings()).as("heard without the client certificate")
        .containsExactly("exec recorded by policy web; this pod is not replaced for it");
    policies.clear();
    policy("audit", Mode.Audit, p -> {});
    assertThat(validated(exec("web-1")).warnings())
        .containsExactly("exec recorded by policy audit; this pod is not replaced for it");
  }

  @Test
  void breakGlassUsersAndGroupsMayExecInEnforceModeAndAreRecorded() {
    policy("web", Mode.Enforce, p -> {
      p.getSpec().getBreakGlass().setGroups(List.of("oncall"));
      p.getSpec().getBreakGlass().setUsers(List.of("carol"));
    });
    assertThat(validated(execAs("mallory", List.of("dev"))).allowed()).isFalse();
    AdmissionDecision byGroup = validated(execAs("bob", List.of("system:authenticated", "oncall")));
    assertThat(byGroup.allowed()).isTrue();
    assertThat(byGroup.session().username()).isEqualTo("bob");
    assertThat(byGroup.warnings()).singleElement().asString()
        .startsWith("break-glass for group oncall; exec recorded by policy web; this pod will be replaced now");
    assertThat(validated(execAs("carol", List.of())).warnings()).singleElement().asString()
        .startsWith("break-glass for user carol");
  }

  @Test
  void anActiveExceptionAdmitsSessionsAndDebugContainersInEnforceModeUntilItExpires() {
    policy("web", Mode.Enforce, p -> {});
    exception("incident", List.of("ExecSession", "EphemeralContainer"), NOW.plusSeconds(600));
    exception("stale", List.of(), NOW.minusSeconds(1));
    AdmissionDecision exec = validated(exec("web-1"));
    assertThat(exec.allowed()).isTrue();
    assertThat(exec.session()).isNotNull();
    assertThat(exec.warnings()).singleElement().asString().contains("exception incident",
        "excepted by incident until " + NOW.plusSeconds(600));
    Map<String, Object> debug = Map.of("metadata", Map.of("name", "web-1", "labels", Map.of("app", "web")),
        "spec", Map.of("containers", List.of(Map.of("name", "app", "image", "nginx"))));
    assertThat(validated(request("UPDATE", "pods", "ephemeralcontainers", "web-1", debug)).allowed()).isTrue();
    lookup.exceptions.clear();
    exception("images-only", List.of("ImageChanged"), NOW.plusSeconds(600));
    assertThat(validated(exec("web-1")).allowed()).as("an exception for other reasons").isFalse();
  }
}
