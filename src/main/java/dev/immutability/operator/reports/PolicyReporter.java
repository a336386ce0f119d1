package dev.immutability.operator.reports;

import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one policy report per namespace in step with the pods' findings. Pod evaluations only update a map in
 * memory; every interval the namespaces whose results changed are written once each, and a namespace whose content
 * is what was last written is not written at all. So a report costs writes per change of its namespace's results,
 * never per pod evaluation.
 */
public final class PolicyReporter implements AutoCloseable {
  public static final String NAME = "immutability-operator";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** Well below etcd's default 1.5 MiB per object, whatever else a report's metadata gets. */
  static final int MAX_BYTES = 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(PolicyReporter.class);
  /** What is known of a report an earlier run wrote: that it is there. */
  private static final Object STALE = new Object();

  private final KubernetesClient client;
  private final List<ReportApi> apis;
  private final OperatorMetrics metrics;
  private final ReportedCluster cluster;
  private final Set<String> watchNamespaces;
  private final int maxBytes;
  private boolean staleReportsSwept;
  /** namespace -> pod name -> the pod's results. */
  private final Map<String, Map<String, List<ReportResult>>> results = new ConcurrentHashMap<>();
  private final Set<String> changed = ConcurrentHashMap.newKeySet();
  /** namespace -> the content last written, so an unchanged namespace is not written again. */
  private final Map<String, Object> written = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("policy-reports"));

  /** @param watchNamespaces the namespaces the operator watches; empty for all */
  PolicyReporter(KubernetesClient client, List<ReportApi> apis, OperatorMetrics metrics, ReportedCluster cluster,
      Set<String> watchNamespaces, int maxBytes) {
    this.client = client;
    this.apis = List.copyOf(apis);
    this.metrics = metrics;
    this.cluster = cluster;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.maxBytes = maxBytes;
  }

  /**
   * A reporter writing to the report APIs this API server serves; one that writes nothing, with a log line saying
   * why, when it serves none or reports are off.
   *
   * @param watchNamespaces the namespaces the operator watches; empty for all
   */
  public static PolicyReporter start(KubernetesClient client, boolean enabled, Duration interval,
      OperatorMetrics metrics, ReportedCluster cluster, Set<String> watchNamespaces) {
    List<ReportApi> served = enabled ? ReportApis.served(client) : List.of();
    if (!enabled) {
      log.info("policy reports are off (POLICY_REPORTS=false)");
    } else if (served.isEmpty()) {
      log.info("policy reports are off: the API server serves neither {} nor {} (install the PolicyReport CRD and "
          + "restart the operator to get them)", ReportApi.WG_POLICY.apiVersion(), ReportApi.OPEN_REPORTS.apiVersion());
    } else {
      log.info("writing policy reports to {} every {}", served.stream().map(a -> a.kind() + " " + a.apiVersion())
          .toList(), interval);
    }
    PolicyReporter reporter = new PolicyReporter(client, served, metrics, cluster, watchNamespaces, MAX_BYTES);
    if (!served.isEmpty()) {
      reporter.executor.scheduleWithFixedDelay(reporter::flushSafely, interval.toMillis(), interval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return reporter;
  }

  /** The pod's current results; costs nothing but a comparison when they did not change. */
  public void observe(Pod pod, List<ReportResult> podResults) {
    if (apis.isEmpty()) {
      return;
    }
    String namespace = pod.getMetadata().getNamespace();
    List<ReportResult> before = results.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>())
        .put(pod.getMetadata().getName(), podResults);
    if (!podResults.equals(before)) {
      changed.add(namespace);
    }
  }

  /** The pod no longer has results: no policy selects it, or it is going away. */
  public void forget(Pod pod) {
    Map<String, List<ReportResult>> pods = results.get(pod.getMetadata().getNamespace());
    if (pods != null && pods.remove(pod.getMetadata().getName()) != null) {
      changed.add(pod.getMetadata().getNamespace());
    }
  }

  private void flushSafely() {
    try {
      flush();
    } catch (RuntimeException e) {
      metrics.backgroundTaskFailed("policy-reports");
      log.warn("writing policy reports failed, retrying: {}", e.toString());
    }
  }

  /**
   * Drops pods that left the cache (deleted without a last evaluation), then writes what changed. Once the caches
   * are filled, reports left from an earlier run in namespaces that no longer hold a policy are deleted.
   */
  void flush() {
    if (!staleReportsSwept && cluster.isSynced()) {
      adoptStaleReports();
      staleReportsSwept = true;
    }
    results.forEach((namespace, pods) -> {
      if (pods.entrySet().removeIf(e -> !cluster.hasPod(namespace + "/" + e.getKey(), e.getValue().get(0).podUid()))) {
        changed.add(namespace);
      }
    });
    for (String namespace : List.copyOf(changed)) {
      changed.remove(namespace);
      try {
        write(namespace);
      } catch (RuntimeException e) {
        changed.add(namespace);
        throw e;
      }
    }
  }

  /** Our reports in namespaces without a policy (deleted while the operator was down) are marked for deletion. */
  private void adoptStaleReports() {
    for (ReportApi api : apis) {
      var reports = client.genericKubernetesResources(api.context());
      List<GenericKubernetesResource> ours = watchNamespaces.isEmpty()
          ? reports.inAnyNamespace().withLabel(MANAGED_BY, NAME).list().getItems()
          : watchNamespaces.stream().flatMap(n -> reports.inNamespace(n).withLabel(MANAGED_BY, NAME).list()
              .getItems().stream()).toList();
      for (GenericKubernetesResource report : ours) {
        String namespace = report.getMetadata().getNamespace();
        if (!cluster.hasPolicies(namespace) && !results.containsKey(namespace)) {
          written.put(namespace, STALE);
          changed.add(namespace);
        }
      }
    }
  }

  private void write(String namespace) {
    Map<String, List<ReportResult>> pods = results.getOrDefault(namespace, Map.of());
    boolean keep = !pods.isEmpty() || cluster.hasPolicies(namespace);
    ReportBody.Built body = ReportBody.build(namespace, pods.values().stream().flatMap(List::stream).toList(),
        maxBytes);
    Object content = keep ? body : null;
    if (Objects.equals(written.get(namespace), content)) {
      return;
    }
    for (ReportApi api : apis) {
      var reports = client.genericKubernetesResources(api.context()).inNamespace(namespace);
      if (keep) {
        reports.resource(report(api, namespace, body)).fieldManager(NAME).forceConflicts().serverSideApply();
      } else {
        reports.withName(NAME).delete();
      }
      metrics.policyReportWritten(api.kind(), keep ? "apply" : "delete");
    }
    if (body.dropped() > 0) {
      metrics.policyReportResultsDropped(namespace, body.dropped());
      log.warn("policy report of {} left out its {} oldest results to stay below {} bytes", namespace,
          body.dropped(), maxBytes);
    }
    if (keep) {
      written.put(namespace, body);
    } else {
      written.remove(namespace);
    }
  }

  private static GenericKubernetesResource report(ReportApi api, String namespace, ReportBody.Built body) {
    GenericKubernetesResource report = new GenericKubernetesResourceBuilder().withApiVersion(api.apiVersion())
        .withKind(api.kind()).withNewMetadata().withName(NAME).withNamespace(namespace)
        .addToLabels(MANAGED_BY, NAME).endMetadata().build();
    if (api.reportSource()) {
      report.setAdditionalProperty("source", ReportResult.SOURCE);
    }
    report.setAdditionalProperty("results", body.results());
    report.setAdditionalProperty("summary", body.summary());
    return report;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
