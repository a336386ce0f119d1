package dev.immutability.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiSerializationTest {
  private final KubernetesSerialization serialization = ApiSerialization.create();

  private static String pod(String managedFields) {
    return """
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-1", "namespace": "shop", "resourceVersion": "42",
                      "labels": {"app": "web"}, %s
                      "annotations": {"team": "a"}},
         "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}
        """.formatted(managedFields);
  }

  @Test
  void managedFieldsAreReadAsTheTimeOfTheLatestWriteAlone() {
    Pod pod = serialization.unmarshal(pod("""
        "managedFields": [
          {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
           "time": "2026-01-01T00:00:05Z", "fieldsType": "FieldsV1",
           "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:containers": {}}}},
          {"manager": "kubelet", "operation": "Update", "subresource": "status", "apiVersion": "v1",
           "time": "2026-01-01T00:00:09Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:phase": {}}}},
          {"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
           "time": "2026-01-01T00:00:07Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}
        ],"""), Pod.class);

    assertThat(pod.getMetadata().getManagedFields()).singleElement().satisfies(entry -> {
      assertThat(entry.getTime()).isEqualTo("2026-01-01T00:00:09Z");
      assertThat(entry.getManager()).isNull();
      assertThat(entry.getFieldsV1()).isNull();
    });
    // Everything around them is read as ever.
    assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("team", "a");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
  }

  @Test
  void objectsWithoutManagedFieldsOrTimesHaveNoEntry() {
    assertThat(serialization.unmarshal(pod(""), Pod.class).getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(serialization.unmarshal(pod("\"managedFields\": [],"), Pod.class).getMetadata().getManagedFields())
        .isEmpty();
    assertThat(serialization.unmarshal(pod("\"managedFields\": [{\"manager\": \"x\", \"fieldsV1\": {}}],"),
        Pod.class).getMetadata().getManagedFields()).isEmpty();
  }

  @Test
  void everyKindIsReadThisWay() {
    ConfigMap config = serialization.unmarshal("""
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "managedFields": [
          {"manager": "kubectl", "time": "2026-02-01T10:00:00Z", "fieldsV1": {"f:data": {"f:mode": {}}}}]},
         "data": {"mode": "fast"}}
        """, ConfigMap.class);
    assertThat(config.getMetadata().getManagedFields()).singleElement()
        .satisfies(entry -> assertThat(entry.getTime()).isEqualTo("2026-02-01T10:00:00Z"));
    assertThat(config.getData()).containsEntry("mode", "fast");
  }

  @Test
  void entriesThatAreNotObjectsAreSkippedWithoutLosingTheRest() {
    Pod pod = serialization.unmarshal(pod("""
        "managedFields": [1, "x", [{"time": "2030-01-01T00:00:00Z"}], null,
          {"manager": "kubelet", "time": "2026-01-01T00:00:09Z", "fieldsV1": {"f:status": {}}}],"""), Pod.class);
    assertThat(pod.getMetadata().getManagedFields()).singleElement()
        .satisfies(entry -> assertThat(entry.getTime()).isEqualTo("2026-01-01T00:00:09Z"));
    assertThat(pod.getMetadata().getAnnotations()).containsEntry("team", "a");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
  }

  @Test
  void managedFieldsThatAreNotAListAreRefused() {
    assertThatThrownBy(() -> serialization.unmarshal(pod("\"managedFields\": {\"time\": \"x\"},"), Pod.class))
        .hasStackTraceContaining("managedFields must be a list");
  }

  @Test
  void aWatchEventsObjectIsReadIntoTheClassOfItsKind() {
    WatchEvent event = serialization.unmarshal("{\"type\": \"MODIFIED\", \"object\": " + pod("""
        "managedFields": [{"manager": "kubelet", "time": "2026-01-01T00:00:09Z", "fieldsV1": {"f:status": {}}}],""")
        + "}", WatchEvent.class);

    assertThat(event.getType()).isEqualTo("MODIFIED");
    assertThat(event.getObject()).isInstanceOfSatisfying(Pod.class, pod -> {
      assertThat(pod.getMetadata().getName()).isEqualTo("web-1");
      assertThat(pod.getMetadata().getAnnotations()).containsEntry("team", "a");
      assertThat(pod.getMetadata().getManagedFields()).singleElement()
          .satisfies(entry -> assertThat(entry.getTime()).isEqualTo("2026-01-01T00:00:09Z"));
      assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
    });
  }

  @Test
  void aWatchEventsObjectIsNotReadThroughATree() {
    // A tree holds 1.10 as the double 1.1; read straight, a string field keeps the text as sent.
    WatchEvent event = serialization.unmarshal("""
        {"type": "MODIFIED", "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "web-1"},
         "spec": {"containers": [{"name": "web", "image": 1.10}]}}}
        """, WatchEvent.class);

    assertThat(((Pod) event.getObject()).getSpec().getContainers().get(0).getImage()).isEqualTo("1.10");
  }

  @Test
  void fieldsBeforeTheKindAreKept() {
    WatchEvent event = serialization.unmarshal("""
        {"object": {"metadata": {"name": "web-1", "labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                    "apiVersion": "v1", "status": {"phase": "Running"}, "kind": "Pod"},
         "type": "ADDED"}
        """, WatchEvent.class);

    assertThat(event.getObject()).isInstanceOfSatisfying(Pod.class, pod -> {
      assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
      assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    });
    assertThat(event.getType()).isEqualTo("ADDED");
  }

  @Test
  void nestedKindsBeforeTheObjectsOwnDoNotDecideItsClass() {
    WatchEvent event = serialization.unmarshal("""
        {"type": "MODIFIED", "object": {"metadata": {"name": "web-1", "ownerReferences": [
           {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9", "uid": "u1", "controller": true}]},
         "apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}
        """, WatchEvent.class);

    assertThat(event.getObject()).isInstanceOfSatisfying(Pod.class, pod -> {
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(owner -> assertThat(owner.getKind()).isEqualTo("ReplicaSet"));
      assertThat(pod.getSpec().getContainers()).hasSize(1);
    });
  }

  @Test
  void bookmarksAndTheOperatorsOwnKindsAreReadIntoTheirClasses() {
    WatchEvent bookmark = serialization.unmarshal("""
        {"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": "77"}}}
        """, WatchEvent.class);
    assertThat(bookmark.getObject()).isInstanceOfSatisfying(Pod.class,
        pod -> assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("77"));

    WatchEvent policy = serialization.unmarshal("""
        {"type": "ADDED", "object": {"kind": "ImmutabilityPolicy", "apiVersion": "immutability.dev/v1alpha1",
         "metadata": {"name": "shop", "namespace": "shop"}, "spec": {"mode": "Audit"}}}
        """, WatchEvent.class);
    assertThat(policy.getObject()).isInstanceOfSatisfying(ImmutabilityPolicy.class,
        p -> assertThat(p.getSpec().getMode()).isEqualTo(Mode.Audit));
  }

  @Test
  void anObjectWithoutKindIsReadByFabric8AndTheEventGoesOn() {
    WatchEvent event = serialization.unmarshal("""
        {"object": {"metadata": {"name": "x"}, "data": {"a": "b"}}, "type": "ADDED"}
        """, WatchEvent.class);
    assertThat(event.getObject()).isNotNull().isNotInstanceOf(Pod.class);
    assertThat(event.getType()).isEqualTo("ADDED");
  }

  @Test
  void errorEventsAndUnregisteredKindsReadAsBefore() {
    WatchEvent error = serialization.unmarshal("""
        {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "code": 410, "reason": "Expired"}}
        """, WatchEvent.class);
    assertThat(error.getObject()).isInstanceOfSatisfying(Status.class, status -> assertThat(status.getCode())
        .isEqualTo(410));

    WatchEvent unknown = serialization.unmarshal("""
        {"type": "ADDED", "object": {"kind": "Widget", "apiVersion": "example.dev/v1",
         "metadata": {"name": "w"}, "spec": {"size": 3}}}
        """, WatchEvent.class);
    assertThat(unknown.getObject()).isInstanceOfSatisfying(GenericKubernetesResource.class,
        widget -> assertThat(widget.getAdditionalProperties()).containsKey("spec"));
  }

  @Test
  void onlyKindsWithoutAClassGoToTheTreeReading() throws IOException {
    List<String> fallenBack = new ArrayList<>();
    JsonDeserializer<Object> fallback = new JsonDeserializer<>() {
      @Override
      public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        fallenBack.add(parser.readValueAsTree().toString());
        return null;
      }
    };
    ObjectMapper mapper = new ObjectMapper().registerModule(new SimpleModule()
        .addDeserializer(Object.class, new ApiSerialization.ByKind(serialization, fallback)));

    assertThat(mapper.readValue(pod(""), Object.class)).isInstanceOf(Pod.class);
    assertThat(fallenBack).isEmpty();

    mapper.readValue("{\"metadata\": {\"name\": \"w\"}, \"kind\": \"Widget\", \"apiVersion\": \"example.dev/v1\"}",
        Object.class);
    assertThat(fallenBack).singleElement()
        .isEqualTo("{\"metadata\":{\"name\":\"w\"},\"kind\":\"Widget\",\"apiVersion\":\"example.dev/v1\"}");
  }
}
