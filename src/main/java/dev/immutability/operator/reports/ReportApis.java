package dev.immutability.operator.reports;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/** Which report APIs the API server serves, read from discovery (which every authenticated client may read). */
final class ReportApis {
  private ReportApis() {}

  static List<ReportApi> served(KubernetesClient client) {
    return List.of(ReportApi.WG_POLICY, ReportApi.OPEN_REPORTS).stream().filter(api -> serves(client, api)).toList();
  }

  private static boolean serves(KubernetesClient client, ReportApi api) {
    try {
      APIResourceList resources = client.getApiResources(api.apiVersion());
      return resources != null && resources.getResources().stream().anyMatch(r -> api.plural().equals(r.getName()));
    } catch (KubernetesClientException e) {
      return false;
    }
  }
}
