package dev.immutability.operator.bench;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.api.Strategy;
import dev.immutability.operator.drift.DriftReason;
import dev.immutability.operator.observe.ApiSerialization;
import dev.immutability.operator.recording.PodRecords;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The operator at scale on the local control plane with KWOK: N pods (namespaces of 10 Deployments, one Remediate
 * policy each, every pod mounting a ConfigMap) and Helm-release-like Secrets in a namespace no policy selects; the
 * packaged operator runs as its own process with the chart's heap. Reports start-up, footprint, per-event cost,
 * drift latencies, and a ConfigMap change healed by the operator beside the controller's own rollout restart.
 * Run by hack/bench-scale.sh; options are system properties (see {@link #main}).
 */
public final class ScaleBenchmark {
  private static final int PODS = Integer.getInteger("bench.pods", 10_000);
  private static final int SECRETS = Integer.getInteger("bench.secrets", 1_000);
  private static final int SECRET_KB = Integer.getInteger("bench.secretKb", 100);
  private static final int SAMPLES = Integer.getInteger("bench.samples", 200);
  private static final int ROLLOUT_REPLICAS = Integer.getInteger("bench.rolloutReplicas", 100);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
  /** Operator start-ups on the same pods, each after the previous one's baselines were taken off again. */
  private static final int START_UPS = Integer.getInteger("bench.startUps", 3);
  /**
   * JVM options the operator gets in some start-ups ({@link #isVariant}), so that they are compared with the chart's in
   * the same run, on the same control plane: runs on fresh control planes differ more than start-ups within one run.
   */
  private static final String VARIANT = System.getProperty("bench.startUpVariant", "");
  private static final int BASELINE_REMOVERS = 16;
  private static final int HTTP_NOT_FOUND = 404;
  /**
   * Before each start-up the control plane is quiet: its processes (KWOK, the controllers, the API server, etcd)
   * together use less than this share of a core over {@link #QUIET_WINDOW} seconds, so that no start-up begins while
   * they still work through the 10,000 pod writes before it (in the recorded runs they were quiet within 3-4 s).
   */
  private static final double QUIET_CORES = 0.15;
  private static final int QUIET_WINDOW = 3;
  private static final Duration QUIET_LIMIT = Duration.ofMinutes(2);
  private static final String HEAP = System.getProperty("bench.heap", "384m");
  private static final String LABEL = "immutability-bench";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final KubernetesClient client;
  private final List<String> report = new ArrayList<>();
  /**
   * The benchmark's pods as one watch shows them: counting them by listing 10,000 pods every second would cost the
   * API server more than the operator's work it measures.
   */
  private SharedIndexInformer<Pod> benchPods;
  private Process operator;
  private int metricsPort;

  private ScaleBenchmark(KubernetesClient client) {
    this.client = client;
  }

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(System.getProperty("bench.kubeconfig"));
    // The benchmark watches every pod beside the operator; it reads them as leanly, to take less of the CPU it
    // measures.
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .withKubernetesSerialization(ApiSerialization.create()).build()) {
      ScaleBenchmark bench = new ScaleBenchmark(client);
      try {
        bench.run(kubeconfig);
      } finally {
        bench.stopOperator();
        bench.stopWatching();
        bench.cleanUp();
      }
      bench.report.forEach(System.out::println);
    }
    System.exit(0);
  }

  private void run(Path kubeconfig) throws Exception {
    if (!VARIANT.isEmpty() && START_UPS < 2) {
      throw new IllegalArgumentException("bench.startUpVariant needs bench.startUps of 2 or more");
    }
    OperatorHarness.installCrd(client);
    int namespaces = Math.max(1, PODS / 1000);
    int replicas = Math.max(1, PODS / namespaces / 10);
    line("scale benchmark: %d pods (%d namespaces x 10 Deployments x %d), %d Secrets of %d KB, operator JVM -Xmx%s"
        + " %s, %d cores", namespaces * 10 * replicas, namespaces, replicas, SECRETS, SECRET_KB, HEAP,
        String.join(" ", chartJvmOptions()), Runtime.getRuntime().availableProcessors());
    benchPods = client.pods().inAnyNamespace().withLabel(LABEL).inform();
    long start = System.nanoTime();
    for (int n = 0; n < namespaces; n++) {
      workloadNamespace("bench-" + n, replicas, Mode.Remediate, Strategy.Evict);
    }
    workloadNamespace("bench-audit", 10, Mode.Audit, Strategy.Evict);
    helmSecrets("bench-helm");
    awaitCondition("all pods ready", Duration.ofMinutes(30), Duration.ofSeconds(2),
        () -> readyPods() >= namespaces * 10 * replicas + 100);
    line("workload created and ready in %.0f s", seconds(start));

    createNamespace("bench-system");
    List<double[]> startUps = new ArrayList<>();
    for (int startUp = 1; startUp <= START_UPS; startUp++) {
      if (startUp > 1) {
        stopOperator();
        removeBaselines();
      }
      awaitQuietControlPlane();
      startUps.add(startUp(kubeconfig, startUp));
    }
    for (boolean variant : VARIANT.isEmpty() ? List.of(false) : List.of(false, true)) {
      List<double[]> these = IntStream.rangeClosed(1, START_UPS).filter(startUp -> isVariant(startUp) == variant)
          .mapToObj(startUp -> startUps.get(startUp - 1)).toList();
      line("start-up, median of %d%s: ready %.1f s, baselines on every pod %.1f s after start", these.size(),
          VARIANT.isEmpty() ? "" : variant ? " with the variant " + VARIANT : " with the chart's JVM options",
          median(these, 0), median(these, 1));
    }
    if (!VARIANT.isEmpty()) {
      line("the figures below are of an operator with %s", isVariant(START_UPS) ? "the variant"
          : "the chart's JVM options");
    }

    Thread.sleep(10_000);
    long cpuBefore = cpuTicks();
    long idleStart = System.nanoTime();
    Thread.sleep(20_000);
    line("idle CPU %.1f%% of a core", 100.0 * (cpuTicks() - cpuBefore) / 100.0 / seconds(idleStart));
    line("heap after a full GC %d MiB; RSS %d MiB", heapAfterGcMiB(), rssMiB());

    double before = evaluations();
    Pod audited = client.pods().inNamespace("bench-audit").withLabel(LABEL).list().getItems().get(0);
    editImage(audited, "nginx:1.28");
    awaitCondition("finding", Duration.ofMinutes(1), () -> hasFinding("bench-audit", audited.getMetadata().getName()));
    Thread.sleep(3_000);
    line("pod evaluations for one single-pod drift: %.0f", evaluations() - before);

    latencies();
    rollouts();
  }

  /** Starts the operator on pods without baselines; returns seconds from its start to ready and to the last baseline. */
  private double[] startUp(Path kubeconfig, int startUp) throws Exception {
    Map<String, Double> processCpuBefore = cpuSecondsByProcess();
    Map<String, Double> requestsBefore = apiRequests();
    double[] podWatchesBefore = podWatchTurnover();
    long operatorStart = System.nanoTime();
    startOperator(kubeconfig, isVariant(startUp) ? VARIANT : "");
    awaitCondition("operator ready", Duration.ofMinutes(5), () -> httpStatus("/readyz") == 200);
    double ready = seconds(operatorStart);
    List<String> progress = new ArrayList<>();
    awaitCondition("baselines", Duration.ofMinutes(30), Duration.ofSeconds(1), () -> {
      long left = podsWithoutBaseline();
      progress.add(String.format("%.0f s %d", seconds(operatorStart), left));
      return left == 0;
    });
    double baselines = seconds(operatorStart);
    line("start-up %d of %d%s: ready %.1f s after start, baselines on every pod %.1f s after start", startUp, START_UPS,
        isVariant(startUp) ? " (the variant)" : "", ready, baselines);
    line("pods without a baseline, by seconds after start: %s", String.join(", ", progress));
    line("until then: API requests %s; CPU seconds %s", requestsSince(requestsBefore), cpuSince(processCpuBefore));
    double[] podWatchesAfter = podWatchTurnover();
    line("until then: pod watches the API server closed as too slow %.0f, pod lists streamed anew (watch-list) %.0f",
        podWatchesAfter[0] - podWatchesBefore[0], podWatchesAfter[1] - podWatchesBefore[1]);
    return new double[] {ready, baselines};
  }

  /**
   * The variant takes start-ups 2, 3, 6, 7, ... (the chart's options 1, 4, 5, 8, ...): in that order a drift over
   * the run favours neither, and with a multiple of four start-ups the last operator, measured further, is the
   * chart's.
   */
  private static boolean isVariant(int startUp) {
    return !VARIANT.isEmpty() && (startUp % 4 == 2 || startUp % 4 == 3);
  }

  /**
   * Takes the baselines off every pod while the operator is stopped, so that the next start-up finds running pods
   * without them as the first did.
   */
  private void removeBaselines() throws InterruptedException {
    String patch = "{\"metadata\":{\"annotations\":{\"" + PodRecords.BASELINE_ANNOTATION + "\":null}}}";
    ExecutorService writers = Executors.newFixedThreadPool(BASELINE_REMOVERS);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (Pod pod : benchPods.getStore().list()) {
        writes.add(writers.submit(() -> {
          try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
          } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_NOT_FOUND) {
              throw e;
            }
          }
        }));
      }
      for (Future<?> write : writes) {
        try {
          write.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("removing a baseline failed", e.getCause());
        }
      }
    } finally {
      writers.shutdown();
    }
    awaitCondition("baselines removed", Duration.ofMinutes(5), Duration.ofSeconds(1), () -> benchPods.getStore()
        .list().stream().noneMatch(p -> p.getMetadata().getAnnotations().containsKey(PodRecords.BASELINE_ANNOTATION)));
  }

  private void awaitQuietControlPlane() throws IOException, InterruptedException {
    long start = System.nanoTime();
    List<Double> cpu = new ArrayList<>();
    while (seconds(start) < QUIET_LIMIT.toSeconds()) {
      cpu.add(cpuSecondsByProcess().entrySet().stream().filter(e -> !e.getKey().equals("benchmark"))
          .mapToDouble(Map.Entry::getValue).sum());
      if (cpu.size() > QUIET_WINDOW && cpu.get(cpu.size() - 1) - cpu.get(cpu.size() - 1 - QUIET_WINDOW)
          < QUIET_CORES * QUIET_WINDOW) {
        line("control plane quiet after %.0f s", seconds(start));
        return;
      }
      Thread.sleep(1000);
    }
    line("control plane not quiet after %.0f s; starting anyway", seconds(start));
  }

  /** A namespace of 10 Deployments mounting one ConfigMap, and one policy selecting them. */
  private void workloadNamespace(String namespace, int replicas, Mode mode, Strategy strategy) {
    createNamespace(namespace);
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("app-config")
        .endMetadata().addToData("setting", "1").build()).create();
    policy(namespace, "bench", mode, strategy, "25%", Map.of("app", "bench"));
    for (int d = 0; d < 10; d++) {
      deployment(namespace, "app-" + d, replicas, Map.of("app", "bench"), "app-config");
    }
  }

  private void policy(String namespace, String name, Mode mode, Strategy strategy, String maxUnavailable,
      Map<String, String> selector) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(namespace);
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels(selector).build());
    spec.setMode(mode);
    spec.getRemediation().setStrategy(strategy);
    spec.getRemediation().setMaxUnavailable(new IntOrString(maxUnavailable));
    policy.setSpec(spec);
    client.resource(policy).create();
  }

  private void deployment(String namespace, String name, int replicas, Map<String, String> labels, String config) {
    Map<String, String> podLabels = new HashMap<>(labels);
    podLabels.put("deployment", name);
    podLabels.put(LABEL, "true");
    PodSpec spec = new PodSpecBuilder().addNewContainer().withName("app").withImage("nginx:1.27")
        .addNewVolumeMount().withName("config").withMountPath("/etc/app").endVolumeMount().endContainer()
        .addNewVolume().withName("config").withNewConfigMap().withName(config).endConfigMap().endVolume().build();
    Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels(podLabels).endSelector()
        .withNewStrategy().withNewRollingUpdate().withMaxSurge(new IntOrString(0))
        .withMaxUnavailable(new IntOrString("25%")).endRollingUpdate().endStrategy()
        .withNewTemplate().withNewMetadata().addToLabels(podLabels).endMetadata().withSpec(spec).endTemplate()
        .endSpec().build();
    client.apps().deployments().inNamespace(namespace).resource(deployment).create();
  }

  /** Secrets shaped like Helm's release records: large, in a namespace no policy selects. */
  private void helmSecrets(String namespace) {
    createNamespace(namespace);
    SecureRandom random = new SecureRandom();
    byte[] payload = new byte[SECRET_KB * 1024 * 3 / 4];
    for (int i = 0; i < SECRETS; i++) {
      random.nextBytes(payload);
      client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata()
          .withName("sh.helm.release.v1.app-" + i + ".v1").addToLabels("owner", "helm").endMetadata()
          .withType("helm.sh/release.v1").addToData("release", Base64.getEncoder().encodeToString(payload)).build())
          .create();
    }
  }

  /** Drift to finding (Audit) and drift to eviction (Remediate), one pod at a time. */
  private void latencies() throws Exception {
    List<Double> findings = new ArrayList<>();
    List<Pod> audited = client.pods().inNamespace("bench-audit").withLabel(LABEL).list().getItems();
    for (int i = 0; i < SAMPLES; i++) {
      Pod pod = audited.get(i % audited.size());
      String image = "nginx:1." + (30 + i);
      long start = System.nanoTime();
      editImage(pod, image);
      awaitCondition("finding", Duration.ofMinutes(1), () -> findingMessageContains("bench-audit",
          pod.getMetadata().getName(), image));
      findings.add(millis(start));
    }
    List<Double> evictions = new ArrayList<>();
    // Pods that existed before the first sample: a drift on a replacement would rightly be taken for a loop.
    List<Pod> original = benchPods.getStore().list().stream().filter(p -> "bench-0".equals(
        p.getMetadata().getNamespace()) && PodRecords.baseline(p).isPresent()).toList();
    for (int i = 0; i < SAMPLES; i++) {
      Pod pod = original.get(i);
      long start = System.nanoTime();
      editImage(pod, "nginx:1.28");
      awaitCondition("eviction", Duration.ofMinutes(1), () -> {
        Pod current = client.pods().inNamespace("bench-0").withName(pod.getMetadata().getName()).get();
        return current == null || current.getMetadata().getDeletionTimestamp() != null;
      });
      evictions.add(millis(start));
    }
    line("drift -> finding over %d samples: p50 %.0f ms, p99 %.0f ms", SAMPLES, percentile(findings, 50),
        percentile(findings, 99));
    line("drift -> eviction over %d samples: p50 %.0f ms, p99 %.0f ms", SAMPLES, percentile(evictions, 50),
        percentile(evictions, 99));
  }

  /**
   * A ConfigMap change under a Deployment the operator heals (25% budget), beside an identical Deployment that
   * `kubectl rollout restart` rolls with the same budget, under an Audit policy of its own: first and last old pod
   * replaced, median of rounds. The two rollouts run one after the other, in turns: the reference first in even
   * rounds, the healed one first in odd rounds (an even number of rounds balances the two orders).
   */
  private void rollouts() throws Exception {
    for (Strategy strategy : List.of(Strategy.Evict, Strategy.RolloutRestart)) {
      List<double[]> healed = new ArrayList<>();
      List<double[]> reference = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        String namespace = "bench-rollout-" + strategy.name().toLowerCase() + "-" + round;
        createNamespace(namespace);
        for (String config : List.of("healed-config", "reference-config")) {
          client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
              .withName(config).endMetadata().addToData("setting", "1").build()).create();
        }
        policy(namespace, "healed", Mode.Remediate, strategy, "25%", Map.of("app", "healed"));
        // The reference is watched too (Audit): the operator's standing work on every new pod, its baseline, is
        // in both rollouts, and the ratio is what healing adds.
        policy(namespace, "reference", Mode.Audit, strategy, "25%", Map.of("app", "reference"));
        deployment(namespace, "healed", ROLLOUT_REPLICAS, Map.of("app", "healed"), "healed-config");
        deployment(namespace, "reference", ROLLOUT_REPLICAS, Map.of("app", "reference"), "reference-config");
        awaitCondition("rollout pods with baselines", Duration.ofMinutes(10), Duration.ofMillis(500),
            () -> baselined(namespace, "healed") == ROLLOUT_REPLICAS
            && baselined(namespace, "reference") == ROLLOUT_REPLICAS);
        // Which rollout goes first alternates by round, so neither always runs on a machine the other just left.
        String referenceRequests = "";
        String healedRequests = "";
        for (boolean referenceTurn : round % 2 == 0 ? List.of(true, false) : List.of(false, true)) {
          String app = referenceTurn ? "reference" : "healed";
          Set<String> old = uids(namespace, app);
          Map<String, Double> requestsBefore = apiRequests();
          long start = System.nanoTime();
          if (referenceTurn) {
            LocalCluster.Result restart = LocalCluster.exec(List.of(LocalCluster.binary("kubectl").toString(),
                "--kubeconfig=" + System.getProperty("bench.kubeconfig"), "-n", namespace, "rollout", "restart",
                "deployment/reference"), 60, false);
            if (restart.exitCode() != 0) {
              throw new IllegalStateException(restart.output());
            }
            reference.add(replacementTimes(namespace, app, old, start));
            referenceRequests = requestsSince(requestsBefore);
          } else {
            client.configMaps().inNamespace(namespace).withName("healed-config").edit(cm -> {
              cm.getData().put("setting", "2");
              return cm;
            });
            healed.add(replacementTimes(namespace, app, old, start));
            healedRequests = requestsSince(requestsBefore);
          }
          // The next rollout starts once the operator has finished with this one's new pods.
          awaitCondition(app + " pods with baselines", Duration.ofMinutes(5), Duration.ofMillis(100),
              () -> baselined(namespace, app) == ROLLOUT_REPLICAS);
        }
        if (round == 0) {
          line("API requests during the rollouts of round 0, %s: healed: %s; kubectl rollout restart: %s", strategy,
              healedRequests, referenceRequests);
          line("Events of round 0, %s, by reason: %s", strategy, client.v1().events().inNamespace(namespace).list()
              .getItems().stream().collect(Collectors.groupingBy(e -> e.getReason() + " on "
                  + e.getInvolvedObject().getKind(), TreeMap::new, Collectors.counting())));
        }
        client.namespaces().withName(namespace).delete();
        // The next round starts on a quiet API server, not beside this namespace's deletion.
        awaitCondition("namespace " + namespace + " deleted", Duration.ofMinutes(5), Duration.ofMillis(200),
            () -> client.namespaces().withName(namespace).get() == null);
      }
      line("ConfigMap change under %d replicas, 25%% budget, %s: first old pod replaced %.2f s, all %.1f s; "
          + "kubectl rollout restart: first %.2f s, all %.1f s (ratio of all: %.2f; medians of %d rounds)",
          ROLLOUT_REPLICAS, strategy, median(healed, 0), median(healed, 1), median(reference, 0),
          median(reference, 1), median(healed, 1) / median(reference, 1), ROUNDS);
    }
  }

  /** Seconds until the first old pod is going, and until no old pod is left and all replicas are ready. */
  private double[] replacementTimes(String namespace, String app, Set<String> old, long start) throws Exception {
    double first = -1;
    Duration limit = Duration.ofMinutes(10);
    while (seconds(start) < limit.toSeconds()) {
      List<Pod> pods = podsOf(namespace, app);
      boolean oldGoing = pods.stream().anyMatch(p -> old.contains(p.getMetadata().getUid())
          && p.getMetadata().getDeletionTimestamp() != null) || pods.stream().filter(p -> old.contains(
              p.getMetadata().getUid())).count() < old.size();
      if (first < 0 && oldGoing) {
        first = seconds(start);
      }
      boolean done = pods.stream().noneMatch(p -> old.contains(p.getMetadata().getUid()))
          && pods.stream().filter(ScaleBenchmark::isReady).count() >= old.size();
      if (done) {
        return new double[] {first, seconds(start)};
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException(app + " in " + namespace + " was not replaced within " + limit);
  }

  /**
   * The JVM as the chart runs it: its options, but for the heap, which the chart sizes from the container's memory
   * limit that a process here does not have ({@code -Xmx} stands in), and with the serial collector the JVM picks
   * itself under that limit (below 1792 MiB), where this 24 GiB machine would have it pick G1.
   */
  private static List<String> chartJvmOptions() throws IOException {
    String deployment = Files.readString(LocalCluster.projectRoot()
        .resolve("helm/immutability-operator/templates/deployment.yaml"));
    Matcher options = Pattern.compile("JAVA_TOOL_OPTIONS, value: \"([^\"]*)\"").matcher(deployment);
    if (!options.find()) {
      throw new IllegalStateException("the chart's Deployment sets no JAVA_TOOL_OPTIONS");
    }
    List<String> chart = Arrays.stream(options.group(1).split(" ")).filter(o -> !o.isBlank())
        .filter(o -> !o.startsWith("-XX:MaxRAMPercentage")).toList();
    List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC"));
    jvm.addAll(chart);
    return jvm;
  }

  private void startOperator(Path kubeconfig, String variant) throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      metricsPort = socket.getLocalPort();
    }
    Path jar = LocalCluster.projectRoot().resolve("target/immutability-operator.jar");
    Path log = Files.createTempFile("bench-operator", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + HEAP));
    command.addAll(chartJvmOptions());
    // e.g. -Dbench.operatorJvm=-XX:StartFlightRecording=filename=operator.jfr for a profile of the operator
    command.addAll(Arrays.stream((System.getProperty("bench.operatorJvm", "") + " " + variant).split(" "))
        .filter(o -> !o.isBlank()).toList());
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString(), "LEADER_ELECTION", "false",
        "WEBHOOK_ENABLED", "false", "HTTP_ADDRESS", "127.0.0.1:" + metricsPort, "POD_NAMESPACE", "bench-system",
        "MAX_REPLACEMENTS_PER_MINUTE", "100000", "LOG_LEVEL", "WARN"));
    operator = builder.start();
    line("operator log: %s", log);
  }

  private void stopOperator() throws InterruptedException {
    if (operator != null) {
      operator.destroy();
      if (!operator.waitFor(1, TimeUnit.MINUTES)) {
        operator.destroyForcibly().waitFor();
      }
    }
  }

  /** Deletes the benchmark's namespaces and waits until they are gone, so that a next run can create them again. */
  private void cleanUp() {
    client.namespaces().withLabel(LABEL).delete();
    awaitCondition("benchmark namespaces deleted", Duration.ofMinutes(10), Duration.ofSeconds(1),
        () -> client.namespaces().withLabel(LABEL).list().getItems().isEmpty());
  }

  private void createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels(LABEL, "true")
        .endMetadata().build()).create();
    awaitCondition("service account in " + name, Duration.ofMinutes(1),
        () -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
  }

  private void stopWatching() {
    if (benchPods != null) {
      benchPods.close();
    }
  }

  private long readyPods() {
    return benchPods.getStore().list().stream().filter(ScaleBenchmark::isReady).count();
  }

  private long podsWithoutBaseline() {
    return benchPods.getStore().list().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null
            && !p.getMetadata().getAnnotations().containsKey(PodRecords.BASELINE_ANNOTATION)).count();
  }

  private long baselined(String namespace, String app) {
    return podsOf(namespace, app).stream().filter(ScaleBenchmark::isReady)
        .filter(p -> PodRecords.baseline(p).isPresent()).count();
  }

  private Set<String> uids(String namespace, String app) {
    return podsOf(namespace, app).stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /** From the watch: polled every few milliseconds, a list would load the API server the rollouts share. */
  private List<Pod> podsOf(String namespace, String app) {
    return benchPods.getStore().list().stream().filter(p -> namespace.equals(p.getMetadata().getNamespace())
        && app.equals(p.getMetadata().getLabels().get("app"))).toList();
  }

  /**
   * Pod watches the API server closed because their client fell behind, and pod lists streamed as watches (client-go
   * lists that way: KWOK, the controller manager, the scheduler). A watcher closed too far behind lists again: 10,000
   * pods for the API server to send and the client to process, which is not the operator's work but competes with it.
   */
  private double[] podWatchTurnover() {
    String metrics = client.raw("/metrics");
    return new double[] {metric(metrics, "apiserver_terminated_watchers_total\\{group=\"\",resource=\"pods\"}"),
        metric(metrics, "apiserver_watch_list_duration_seconds_count\\{group=\"\",resource=\"pods\",[^}]*}")};
  }

  private static double metric(String metrics, String series) {
    Matcher value = Pattern.compile("^" + series + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    return value.find() ? Double.parseDouble(value.group(1)) : 0;
  }

  /** The API server's requests so far, by verb and resource (every client's). */
  private Map<String, Double> apiRequests() {
    Map<String, Double> counts = new HashMap<>();
    Matcher line = Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$", Pattern.MULTILINE)
        .matcher(client.raw("/metrics"));
    while (line.find()) {
      Map<String, String> labels = new HashMap<>();
      Matcher label = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(line.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      String subresource = labels.getOrDefault("subresource", "");
      String key = labels.get("verb") + " " + labels.get("resource") + (subresource.isEmpty() ? "" : "/" + subresource);
      counts.merge(key, Double.parseDouble(line.group(2)), Double::sum);
    }
    return counts;
  }

  /** The requests made since {@code before}, the most frequent first. */
  private String requestsSince(Map<String, Double> before) {
    Map<String, Double> after = apiRequests();
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 1 && !e.getKey().startsWith("WATCH"))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
        .map(e -> String.format("%s %.0f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
  }

  private boolean hasFinding(String namespace, String pod) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    return current != null && PodRecords.findings(current).stream().anyMatch(f -> f.reason() == DriftReason.ImageChanged);
  }

  private boolean findingMessageContains(String namespace, String pod, String text) {
    Pod current = client.pods().inNamespace(namespace).withName(pod).get();
    return current != null && PodRecords.findings(current).stream().anyMatch(f -> f.message().contains(text));
  }

  private void editImage(Pod pod, String image) {
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
      p.getSpec().getContainers().get(0).setImage(image);
      return p;
    });
  }

  private static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private int httpStatus(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private double evaluations() throws Exception {
    String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(l -> l.startsWith("immutability_pod_evaluations_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** CPU seconds so far of the control plane's processes and of the operator, by name. */
  private Map<String, Double> cpuSecondsByProcess() throws IOException {
    Map<String, Double> seconds = new TreeMap<>();
    try (var processes = Files.list(Path.of("/proc"))) {
      for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(process.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (operator != null && process.getFileName().toString().equals(String.valueOf(operator.pid()))) {
            name = "operator";
          } else if (process.getFileName().toString().equals(String.valueOf(ProcessHandle.current().pid()))) {
            name = "benchmark";
          } else if (!List.of("kube-apiserver", "etcd", "kube-controller", "kube-scheduler", "kwok").contains(name)) {
            continue;
          }
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          seconds.merge(name, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0, Double::sum);
        } catch (IOException | RuntimeException e) {
          // The process ended meanwhile.
        }
      }
    }
    return seconds;
  }

  private String cpuSince(Map<String, Double> before) throws IOException {
    return cpuSecondsByProcess().entrySet().stream().map(e -> String.format("%s %.1f", e.getKey(),
        e.getValue() - before.getOrDefault(e.getKey(), 0.0))).collect(Collectors.joining(", "));
  }

  private long cpuTicks() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/" + operator.pid() + "/stat")).split("\\) ")[1].split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private long rssMiB() throws IOException {
    return Files.readAllLines(Path.of("/proc/" + operator.pid() + "/status")).stream()
        .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)
        .findFirst().orElse(-1L);
  }

  /**
   * jcmd GC.run, then the heap in use as GC.heap_info reports it: one "heap" line with G1, a young and an old
   * "generation" line with the serial collector.
   */
  private long heapAfterGcMiB() {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    LocalCluster.exec(List.of(jcmd, String.valueOf(operator.pid()), "GC.run"), 60, false);
    String info = LocalCluster.exec(List.of(jcmd, String.valueOf(operator.pid()), "GC.heap_info"), 60, false)
        .output();
    Matcher used = Pattern.compile("(?:heap|generation) +total \\d+K, used (\\d+)K").matcher(info);
    long kib = -1;
    while (used.find()) {
      kib = Math.max(kib, 0) + Long.parseLong(used.group(1));
    }
    return kib < 0 ? -1 : kib / 1024;
  }

  private static void awaitCondition(String what, Duration limit, BooleanSupplier condition) {
    awaitCondition(what, limit, Duration.ofMillis(5), condition);
  }

  /** Polls; lists of every pod are polled seldom, single pods often (the latency samples). */
  private static void awaitCondition(String what, Duration limit, Duration interval, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " not reached within " + limit);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void line(String format, Object... args) {
    String text = String.format(format, args);
    report.add(text);
    System.out.println("[bench] " + text);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double millis(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static double percentile(List<Double> values, int percentile) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100));
  }

  private static double median(List<double[]> rounds, int index) {
    List<Double> values = rounds.stream().map(r -> r[index]).sorted().toList();
    int middle = values.size() / 2;
    return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
  }
}
