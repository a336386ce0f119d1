package dev.immutability.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

class OperatorClientTest {
  @Test
  void talksHttp11AndReadsManagedFieldsAsTheLatestWriteAlone() {
    try (KubernetesClient client = OperatorClient.create(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1")
        .build())) {
      assertThat(client.getConfiguration().isHttp2Disable()).isTrue();
      Pod pod = client.getKubernetesSerialization().unmarshal("""
          {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "managedFields": [
            {"manager": "a", "time": "2026-01-01T00:00:01Z", "fieldsV1": {"f:spec": {}}},
            {"manager": "b", "time": "2026-01-01T00:00:02Z", "fieldsV1": {"f:status": {}}}]}}
          """, Pod.class);
      assertThat(pod.getMetadata().getManagedFields()).singleElement()
          .satisfies(entry -> assertThat(entry.getTime()).isEqualTo("2026-01-01T00:00:02Z"));
    }
  }
}
