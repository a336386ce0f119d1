package dev.immutability.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an AdmissionReview v1 request the webhook reads. Parsed leniently from a JSON tree, so a request
 * missing what a decision needs is refused with a message instead of an exception.
 */
record AdmissionRequest(String uid, String operation, String resource, String subResource, String namespace,
    String name, String username, List<String> groups, boolean dryRun, JsonNode object) {

  static final String API_VERSION = "admission.k8s.io/v1";

  /** Reads the request out of an AdmissionReview; throws {@link IllegalArgumentException} saying what is wrong. */
  static AdmissionRequest of(JsonNode review) {
    if (review == null || !review.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    if (!API_VERSION.equals(review.path("apiVersion").asText()) || !"AdmissionReview".equals(review.path("kind").asText())) {
      throw new IllegalArgumentException("expected apiVersion " + API_VERSION + " and kind AdmissionReview");
    }
    JsonNode request = review.path("request");
    if (!request.isObject()) {
      throw new IllegalArgumentException("the AdmissionReview has no request");
    }
    String uid = text(request, "uid");
    if (uid.isEmpty()) {
      throw new IllegalArgumentException("request.uid is missing");
    }
    String operation = text(request, "operation");
    if (operation.isEmpty()) {
      throw new IllegalArgumentException("request.operation is missing");
    }
    return new AdmissionRequest(uid, operation, text(request.path("resource"), "resource"),
        text(request, "subResource"), text(request, "namespace"), text(request, "name"),
        text(request.path("userInfo"), "username"), texts(request.path("userInfo").path("groups")),
        request.path("dryRun").asBoolean(false), request.path("object"));
  }

  /** The uid of a review, if it has one, so even an error answer can name the request. */
  static String uidOf(JsonNode review) {
    return review == null ? "" : review.path("request").path("uid").asText("");
  }

  boolean is(String operation, String resource, String subResource) {
    return this.operation.equals(operation) && this.resource.equals(resource) && this.subResource.equals(subResource);
  }

  /** The container and command of a CONNECT on pods/exec or pods/attach (PodExecOptions, PodAttachOptions). */
  String container() {
    return text(object, "container");
  }

  List<String> command() {
    List<String> command = new ArrayList<>();
    object.path("command").forEach(part -> command.add(part.asText()));
    return command;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> {
      if (value.isTextual()) {
        values.add(value.asText());
      }
    });
    return List.copyOf(values);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : "";
  }
}
