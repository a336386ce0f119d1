package dev.immutability.operator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.drift.Finding;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.recording.EventDriftRecorder;
import dev.immutability.operator.runtime.DaemonThreads;
import dev.immutability.operator.runtime.HttpResponses;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS admission endpoint: {@code /validate} and {@code /mutate} take AdmissionReview v1; the optional
 * {@code /runtime-events} takes Falco JSON alerts. Answers come from caches; anything malformed, truncated or
 * oversized gets an error response, never a crash.
 */
public final class WebhookServer implements AutoCloseable {
  /** The API server sends at most 3 MiB; more is not an admission request. */
  static final int MAX_BODY = 3 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final AdmissionDecider decider;
  private final EventDriftRecorder recorder;
  private final OperatorMetrics metrics;
  private final PolicyLookup lookup;
  private final SessionDeduplicator sessions = new SessionDeduplicator(Duration.ofSeconds(10));
  private final Clock clock;
  private final byte[] runtimeToken;
  private final ClientAuthentication clients;

  WebhookServer(InetSocketAddress address, WebhookTls tls, ClientAuthentication clients, PolicyLookup lookup,
      EventDriftRecorder recorder, OperatorMetrics metrics, String runtimeToken, Clock clock) {
    this.clients = clients;
    this.decider = new AdmissionDecider(lookup, clock);
    this.lookup = lookup;
    this.recorder = recorder;
    this.metrics = metrics;
    this.clock = clock;
    this.runtimeToken = runtimeToken.getBytes(StandardCharsets.UTF_8);
    try {
      server = HttpsServer.create(address, 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    server.setHttpsConfigurator(new HttpsConfigurator(tls.sslContext(clients)) {
      @Override
      public void configure(HttpsParameters parameters) {
        SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
        // Asked, not required: /runtime-events callers authenticate with a token instead.
        ssl.setWantClientAuth(clients.required());
        parameters.setSSLParameters(ssl);
      }
    });
    server.setExecutor(Executors.newFixedThreadPool(4, DaemonThreads.named("webhook")));
    server.createContext("/validate", exchange -> admission(exchange, false));
    server.createContext("/mutate", exchange -> admission(exchange, true));
    server.createContext("/runtime-events", this::runtimeEvent);
  }

  void start() {
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void admission(HttpExchange exchange, boolean mutate) throws IOException {
    Timer.Sample sample = Timer.start();
    String operation = "invalid";
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, errorReview("", 405, "admission reviews are POSTed"));
        return;
      }
      boolean authenticated = clients.verified(exchange);
      if (clients.required() && !authenticated) {
        respond(exchange, 403, errorReview("", 403,
            "admission reviews are taken only from the API server's client certificate"));
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        respond(exchange, 413, errorReview("", 413, "request body larger than " + MAX_BODY + " bytes"));
        return;
      }
      JsonNode review;
      try {
        review = JSON.readTree(body);
      } catch (JsonProcessingException e) {
        respond(exchange, 400, errorReview("", 400, "the body is not valid JSON: " + e.getOriginalMessage()));
        return;
      }
      AdmissionRequest request;
      try {
        request = AdmissionRequest.of(review);
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, errorReview(AdmissionRequest.uidOf(review), 400, e.getMessage()));
        return;
      }
      operation = request.operation();
      AdmissionDecision decision;
      try {
        decision = mutate ? decider.mutate(request) : decider.validate(request, authenticated);
      } catch (RuntimeException e) {
        respond(exchange, 400, errorReview(request.uid(), 400, "cannot decide: " + e.getMessage()));
        return;
      }
      respond(exchange, 200, review(request.uid(), decision));
      afterAnswer(request, decision, authenticated);
    } catch (IOException e) {
      log.debug("webhook connection failed: {}", e.getMessage());
    } finally {
      sample.stop(metrics.webhookTimer(operation));
    }
  }

  /** Recording happens after the answer is sent, on another thread: the API server never waits for it. */
  private void afterAnswer(AdmissionRequest request, AdmissionDecision decision, boolean authenticated) {
    if (request.dryRun()) {
      return;
    }
    String kind = "attach".equals(request.subResource()) ? "attach" : "exec";
    if (!decision.allowed() && "CONNECT".equals(request.operation())) {
      lookup.pod(request.namespace(), request.name()).ifPresent(pod -> lookup
          .selecting(request.namespace(), pod.getMetadata().getLabels())
          .forEach(p -> metrics.execSession(request.namespace(), p.getMetadata().getName(), kind, "denied")));
    }
    AdmissionDecision.Session session = decision.session();
    if (session == null || !sessions.firstSighting(session, clock.instant())) {
      return;
    }
    session.policies().forEach(p -> metrics.execSession(session.namespace(), p, session.kind(), "allowed"));
    String who = session.username().isEmpty() ? "someone" : session.username();
    String message = "attach".equals(session.kind())
        ? who + " attached to container " + session.container()
        : who + " ran " + session.command() + " in container " + session.container();
    DriftReason reason = "attach".equals(session.kind()) ? DriftReason.AttachSession : DriftReason.ExecSession;
    Finding finding = Finding.of(reason, session.container(), message, clock.instant())
        .withPolicies(session.policies());
    recorder.record(session.namespace(), session.pod(), authenticated ? finding : finding.heardUnauthenticated(),
        reason.name());
  }

  private void runtimeEvent(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (runtimeToken.length == 0) {
        respond(exchange, 404, Map.of("error", "runtime events are not enabled (set RUNTIME_EVENTS_TOKEN)"));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, Map.of("error", "POST Falco JSON alerts"));
        return;
      }
      String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] presented = authorization.startsWith("Bearer ")
          ? authorization.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(presented, runtimeToken)) {
        respond(exchange, 401, Map.of("error", "missing or wrong bearer token"));
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        respond(exchange, 413, Map.of("error", "body too large"));
        return;
      }
      JsonNode alert;
      try {
        alert = JSON.readTree(body);
      } catch (JsonProcessingException e) {
        respond(exchange, 400, Map.of("error", "not JSON: " + e.getOriginalMessage()));
        return;
      }
      RuntimeAlert.parse(alert).ifPresentOrElse(parsed -> {
        List<String> policies = lookup.pod(parsed.namespace(), parsed.pod())
            .map(pod -> parsed.countedBy(lookup.selecting(parsed.namespace(), pod.getMetadata().getLabels())))
            .orElse(List.of());
        if (!policies.isEmpty()) {
          recorder.record(parsed.namespace(), parsed.pod(), Finding.of(DriftReason.RuntimeDrift, parsed.container(),
              parsed.message(), clock.instant()).withPolicies(policies), DriftReason.RuntimeDrift.name());
        }
        send(exchange, 202, Map.of("recorded", !policies.isEmpty()));
      }, () -> send(exchange, 400, Map.of("error",
          "expected Falco JSON with output_fields k8s.ns.name and k8s.pod.name")));
    }
  }

  private static Map<String, Object> review(String uid, AdmissionDecision decision) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", uid);
    response.put("allowed", decision.allowed());
    if (!decision.allowed()) {
      response.put("status", Map.of("code", 403, "reason", "Forbidden", "message", decision.message()));
    }
    if (!decision.warnings().isEmpty()) {
      response.put("warnings", decision.warnings());
    }
    if (!decision.patch().isEmpty()) {
      response.put("patchType", "JSONPatch");
      try {
        response.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(decision.patch())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Map.of("apiVersion", AdmissionRequest.API_VERSION, "kind", "AdmissionReview", "response", response);
  }

  private static Map<String, Object> errorReview(String uid, int code, String message) {
    return Map.of("apiVersion", AdmissionRequest.API_VERSION, "kind", "AdmissionReview", "response",
        Map.of("uid", uid, "allowed", false, "status", Map.of("code", code, "message", message)));
  }

  /** The body, or null when it is larger than {@link #MAX_BODY}. */
  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  private void send(HttpExchange exchange, int status, Object body) {
    try {
      respond(exchange, status, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void respond(HttpExchange exchange, int status, Object body) throws IOException {
    if (status >= 400) {
      metrics.webhookError(status);
    }
    HttpResponses.send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
