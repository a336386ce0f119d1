package dev.immutability.operator.recording;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A patch of one pod that reads back only the pod's metadata. The records need nothing else from the answer (its
 * resourceVersion), and at ten thousand pods the whole pod costs: the API server encodes it, the client decodes it,
 * and fabric8's {@code resource(pod).patch(..)} also deep-copies the pod it is given. The API server's
 * {@code as=PartialObjectMetadata} media type answers with the metadata alone.
 */
final class PodMetadataPatch {
  static final String MERGE = "application/merge-patch+json";
  static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";
  /** The metadata alone, or the whole object from a server (or proxy) that cannot answer with less. */
  private static final String METADATA_ONLY =
      "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json";

  /** The answer's metadata; the rest, were a server to send the whole pod, is skipped unread. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Answer(ObjectMeta metadata) {}

  private final KubernetesClient client;
  private final String pods;

  PodMetadataPatch(KubernetesClient client) {
    this.client = client;
    this.pods = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/";
  }

  /** Patches the pod (or its {@code subresource}, when not empty) and returns its metadata as the patch left it. */
  ObjectMeta patch(ObjectMeta pod, String subresource, String contentType, String body) {
    String uri = pods + encode(pod.getNamespace()) + "/pods/" + encode(pod.getName())
        + (subresource.isEmpty() ? "" : "/" + subresource);
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(uri)
        .method("PATCH", contentType, body)
        .setHeader("Accept", METADATA_ONLY)
        .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
        .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while patching pod " + pod.getName(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KubernetesClientException failed) {
        throw failed;
      }
      throw new KubernetesClientException("PATCH " + uri + " failed: " + e.getCause(), e.getCause());
    }
    if (!response.isSuccessful()) {
      throw failure(uri, response);
    }
    return client.getKubernetesSerialization().unmarshal(response.body(), Answer.class).metadata();
  }

  /** The API server's Status when it sent one, so callers see its code (404, 409) as from any other request. */
  private KubernetesClientException failure(String uri, HttpResponse<String> response) {
    Status status = null;
    try {
      status = client.getKubernetesSerialization().unmarshal(response.body(), Status.class);
    } catch (RuntimeException notAStatus) {
      // Not from the API server itself (a proxy, say): the code and body are all there is.
    }
    String message = status != null && status.getMessage() != null ? status.getMessage() : response.body();
    return new KubernetesClientException("PATCH " + uri + " failed: HTTP " + response.code() + ": " + message,
        response.code(), status);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
