package dev.immutability.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.immutability.operator.webhook.SelfManagedCertificates;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mutating admission webhook of the kind clusters run beside the operator (a registry mirror): at pod CREATE it
 * rewrites every container image to the mirror's copy, so pods differ from their owner's template as raw strings.
 * It serves on loopback and is registered by URL for the pods of one namespace that carry {@link #LABEL}.
 */
public final class ImageMirrorWebhook implements AutoCloseable {
  public static final String LABEL = "image-mirror";
  public static final String MIRROR = "mirror.local/";

  private final KubernetesClient client;
  private final HttpsServer server;
  private final String name;
  private final AtomicInteger rewritten = new AtomicInteger();

  private ImageMirrorWebhook(KubernetesClient client, String namespace) throws IOException {
    this.client = client;
    this.name = "image-mirror-" + namespace;
    SelfManagedCertificates certificates = SelfManagedCertificates.issue(List.of("127.0.0.1"), Duration.ofHours(1));
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(certificates.sslContext()));
    server.createContext("/mutate", this::mutate);
    server.start();
    MutatingWebhookConfiguration configuration = new MutatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .addNewWebhook().withName("mirror.images.test").withAdmissionReviewVersions("v1").withSideEffects("None")
        .withFailurePolicy("Fail").withTimeoutSeconds(5)
        .withNewClientConfig().withUrl("https://127.0.0.1:" + server.getAddress().getPort() + "/mutate")
        .withCaBundle(Base64.getEncoder().encodeToString(certificates.caBundlePem().getBytes(StandardCharsets.UTF_8)))
        .endClientConfig()
        .addNewRule().withApiGroups("").withApiVersions("v1").withOperations("CREATE").withResources("pods").endRule()
        .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", namespace).endNamespaceSelector()
        .withNewObjectSelector().addToMatchLabels(LABEL, "true").endObjectSelector()
        .endWebhook().build();
    client.resource(configuration).serverSideApply();
  }

  public static ImageMirrorWebhook start(KubernetesClient client, String namespace) {
    try {
      return new ImageMirrorWebhook(client, namespace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many pods it has rewritten so far. */
  public int rewritten() {
    return rewritten.get();
  }

  private void mutate(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode review = Serialization.jsonMapper().readTree(in);
      JsonNode request = review.path("request");
      ArrayNode patch = Serialization.jsonMapper().createArrayNode();
      JsonNode containers = request.path("object").path("spec").path("containers");
      for (int i = 0; i < containers.size(); i++) {
        String image = containers.get(i).path("image").asText();
        if (!image.startsWith(MIRROR)) {
          patch.addObject().put("op", "replace").put("path", "/spec/containers/" + i + "/image")
              .put("value", MIRROR + image);
        }
      }
      ObjectNode response = Serialization.jsonMapper().createObjectNode();
      response.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
      ObjectNode answer = response.putObject("response");
      answer.put("uid", request.path("uid").asText()).put("allowed", true);
      if (!patch.isEmpty()) {
        answer.put("patchType", "JSONPatch").put("patch", Base64.getEncoder().encodeToString(
            Serialization.jsonMapper().writeValueAsBytes(patch)));
        rewritten.incrementAndGet();
      }
      byte[] body = Serialization.jsonMapper().writeValueAsBytes(response);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
    server.stop(0);
  }
}
