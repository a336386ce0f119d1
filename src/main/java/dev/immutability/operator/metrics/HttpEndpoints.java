package dev.immutability.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.immutability.operator.runtime.DaemonThreads;
import dev.immutability.operator.runtime.HttpResponses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Plain HTTP on the metrics address: {@code /metrics} for Prometheus, {@code /healthz} and {@code /readyz}. */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  /**
   * @param live answers /healthz: false makes the kubelet restart the process
   * @param ready answers /readyz: false takes the pod out of its Service
   */
  public HttpEndpoints(InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<Health> live,
      Supplier<Health> ready) {
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    server.setExecutor(Executors.newFixedThreadPool(2, DaemonThreads.named("http-endpoints")));
    server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape()));
    server.createContext("/healthz", exchange -> health(exchange, live.get()));
    server.createContext("/readyz", exchange -> health(exchange, ready.get()));
  }

  /** A probe's answer: healthy or not, and why. */
  public record Health(boolean ok, String detail) {}

  public HttpEndpoints start() {
    server.start();
    return this;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void health(HttpExchange exchange, Health health) throws IOException {
    respond(exchange, health.ok() ? 200 : 503, "text/plain; charset=utf-8",
        (health.ok() ? "ok" : "not ok") + ": " + health.detail() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    HttpResponses.send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
