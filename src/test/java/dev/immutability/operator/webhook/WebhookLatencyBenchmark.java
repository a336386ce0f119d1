package dev.immutability.operator.webhook;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Latency of the admission webhook under load on loopback: the HTTPS server and decision path exactly as the API
 * server reaches them, with the caches filled in memory. Run with hack/bench-webhook.sh; results in BENCHMARKS.md.
 */
public final class WebhookLatencyBenchmark {
  private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
  private static final int REQUESTS = Integer.getInteger("bench.requests", 5000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

  private WebhookLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    // As ImmutabilityOperator sets them; -Dsun.net.httpserver.nodelay=false shows the cost of Nagle's algorithm.
    System.setProperty("sun.net.httpserver.maxReqTime", "10");
    System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
    Pod pod = TestPods.pod();
    List<ImmutabilityPolicy> policies = List.of(policy("enforce", Mode.Enforce));
    PolicyLookup lookup = new FakePolicyLookup(List.of(pod), policies);
    WebhookTls tls = WebhookTls.selfManaged(List.of("127.0.0.1"), Duration.ofDays(1), Duration.ofHours(1), pem -> {},
        Clock.systemUTC());
    WebhookServer server = new WebhookServer(new InetSocketAddress("127.0.0.1", 0), tls,
        ClientAuthentication.from(null), lookup, null,
        new OperatorMetrics(new SimpleMeterRegistry()), "", Clock.systemUTC());
    server.start();
    String base = "https://127.0.0.1:" + server.address().getPort();
    Map<String, String[]> scenarios = Map.of(
        "exec on an Enforce pod (denied)", new String[] {"/validate", review("CONNECT", "exec", "web-1",
            "{\"kind\":\"PodExecOptions\",\"container\":\"app\",\"command\":[\"sh\"]}")},
        "exec on an unselected pod (allowed)", new String[] {"/validate", review("CONNECT", "exec", "other",
            "{\"kind\":\"PodExecOptions\",\"container\":\"app\",\"command\":[\"sh\"]}")},
        "pod CREATE, read-only check", new String[] {"/validate", review("CREATE", "", "", Serialization.asJson(pod))},
        "pod CREATE, mutation", new String[] {"/mutate", review("CREATE", "", "", Serialization.asJson(pod))});
    System.out.printf("webhook latency on loopback: %d clients x %d requests, %d rounds, %d cores%n", CLIENTS,
        REQUESTS, ROUNDS, Runtime.getRuntime().availableProcessors());
    for (Map.Entry<String, String[]> scenario : scenarios.entrySet()) {
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      List<Double> throughput = new ArrayList<>();
      run(base + scenario.getValue()[0], scenario.getValue()[1], 1000); // warm-up
      for (int round = 0; round < ROUNDS; round++) {
        long start = System.nanoTime();
        long[] latencies = run(base + scenario.getValue()[0], scenario.getValue()[1], REQUESTS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        p50.add(latencies[latencies.length / 2] / 1e6);
        p99.add(latencies[(int) (latencies.length * 0.99)] / 1e6);
        throughput.add(latencies.length / seconds);
      }
      System.out.printf("%-38s p50 %.2f ms  p99 %.2f ms  %.0f req/s   (median of %d rounds; p99 per round %s)%n",
          scenario.getKey(), median(p50), median(p99), median(throughput), ROUNDS, format(p99));
    }
    server.close();
    System.exit(0);
  }

  private static long[] run(String url, String body, int total) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(Tls.trustingContext()).version(HttpClient.Version.HTTP_1_1)
        .build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      futures.add(pool.submit(() -> {
        long[] latencies = new long[total / CLIENTS];
        for (int i = 0; i < latencies.length; i++) {
          long start = System.nanoTime();
          HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
          latencies[i] = System.nanoTime() - start;
          if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
          }
        }
        return latencies;
      }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<long[]> future : futures) {
      for (long latency : future.get()) {
        all.add(latency);
      }
    }
    pool.shutdown();
    return all.stream().mapToLong(Long::longValue).toArray();
  }

  private static String review(String operation, String subResource, String name, String object) {
    return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"b\","
        + "\"operation\":\"" + operation + "\",\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
        + "\"subResource\":\"" + subResource + "\",\"namespace\":\"shop\",\"name\":\"" + name + "\","
        + "\"userInfo\":{\"username\":\"bench\"},\"object\":" + object + "}}";
  }

  private static ImmutabilityPolicy policy(String name, Mode mode) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace("shop");
    policy.setSpec(TestPods.policy());
    policy.getSpec().setMode(mode);
    policy.getSpec().getRootFilesystem().setRequireReadOnly(true);
    policy.getSpec().getRootFilesystem().setMutate(true);
    policy.getSpec().getRootFilesystem().setWritablePaths(List.of("/tmp"));
    return policy;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static String format(List<Double> values) {
    return values.stream().map(v -> String.format("%.2f", v)).toList().toString();
  }
}
