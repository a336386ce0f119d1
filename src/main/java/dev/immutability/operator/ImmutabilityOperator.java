package dev.immutability.operator;

import dev.immutability.operator.config.OperatorSettings;
import dev.immutability.operator.metrics.HttpEndpoints;
import dev.immutability.operator.metrics.HttpEndpoints.Health;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.observe.ConfigHashKey;
import dev.immutability.operator.reconciler.ExceptionReconciler;
import dev.immutability.operator.reconciler.PodDriftReconciler;
import dev.immutability.operator.reconciler.PolicyReconciler;
import dev.immutability.operator.recording.EventDriftRecorder;
import dev.immutability.operator.recording.EventFindingMemory;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.recording.OwnWrites;
import dev.immutability.operator.recording.PodRecorder;
import dev.immutability.operator.remediation.Remediator;
import dev.immutability.operator.remediation.ReplacementLedger;
import dev.immutability.operator.reports.PolicyReporter;
import dev.immutability.operator.runtime.DaemonThreads;
import dev.immutability.operator.webhook.AdmissionWebhook;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.Cloner;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the operator's parts together and runs them: the composition root, shared by Main and the tests. */
public final class ImmutabilityOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImmutabilityOperator.class);

  static {
    // The JDK HTTP servers otherwise wait forever on a client that sends a request slowly or not at all.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "10"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "10"));
    // Without TCP_NODELAY every answer waits ~40 ms for the client's delayed ACK (Nagle); see BENCHMARKS.md.
    System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
  }

  private final Operator operator;
  private final Remediator remediator;
  private final HttpEndpoints http;
  private final KubernetesClient client;
  private final EventDriftRecorder eventDrift;
  private final EventRecorder events;
  private final PolicyReporter reports;
  private final OperatorMetrics metrics;
  private final Clock clock = Clock.systemUTC();
  private AdmissionWebhook webhook;
  private final ClusterView view;
  private final OperatorSettings settings;
  private volatile boolean closing;

  public ImmutabilityOperator(KubernetesClient client, OperatorSettings settings) {
    this.settings = settings;
    this.client = client;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    metrics = new OperatorMetrics(registry);

    view = new ClusterView(ConfigHashKey.load(client, settings.leaseNamespace(), settings.configHashKeySecret()));
    ReplacementLedger ledger = new ReplacementLedger();
    events = new EventRecorder(client, settings.instanceName(), metrics);
    OwnWrites ownWrites = new OwnWrites();
    EventFindingMemory eventFindings = new EventFindingMemory();
    // The webhook's records of a session are evaluated like anyone else's write: that is what replaces the pod.
    eventDrift = new EventDriftRecorder(client, new PodRecorder(client, (base, written) -> { }), events, metrics, clock,
        eventFindings);
    remediator = new Remediator(client, view, ledger, events, metrics, clock, settings);
    reports = PolicyReporter.start(client, settings.policyReports(), settings.policyReportInterval(), metrics,
        view, settings.watchNamespaces());
    PolicyReconciler policies = new PolicyReconciler(client, view, ledger, metrics, clock);
    PodDriftReconciler pods = new PodDriftReconciler(view, new PodRecorder(client, ownWrites::wrote), events,
        remediator, metrics, policies::trigger, policy -> {
          remediator.forget(Remediator.policyKey(policy));
          metrics.policyDeleted(policy.getMetadata().getNamespace(), policy.getMetadata().getName());
        }, clock, eventFindings, reports);

    operator = new Operator(o -> {
      o.withKubernetesClient(client).withCloseClientOnStop(false)
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
          .withResourceCloner(podsUncloned(client));
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(),
            settings.leaseNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, settings.instanceName(),
            new LeaderCallbacks(() -> {
              metrics.leading(true);
              remediator.resume();
            }, this::stoppedLeading, leader -> { }),
            // Never the SDK's exit: it would call System.exit inside the shutdown hook and hang the JVM.
            false));
      }
    });
    metrics.leading(!settings.leaderElection());
    operator.register(policies, c -> namespaces(c, settings));
    operator.register(pods, c -> {
      namespaces(c, settings);
      PodDriftReconciler.configure(c, ownWrites);
    });
    operator.register(new ExceptionReconciler(events, metrics, clock), c -> namespaces(c, settings));
    http = new HttpEndpoints(settings.httpAddress(), registry,
        () -> new Health(true, "process running"),
        this::readiness);
  }

  /**
   * A replica that lost the Lease while running exits, so it can never act as a stale leader; one that gives it up
   * because it is shutting down just stops.
   */
  private void stoppedLeading() {
    metrics.leading(false);
    if (settings.exitOnLeadershipLoss() && !closing) {
      log.error("lost the leadership Lease; exiting so that a fresh process can stand by");
      DaemonThreads.named("exit-on-lost-lease").newThread(() -> System.exit(1)).start();
    }
  }

  /**
   * The SDK deep-copies every resource before its reconciler sees it, a JSON round trip. The pod reconciler only
   * reads its pod and never returns it for an update, and everything else reads pods straight from the same cache,
   * so pods are handed over as cached: at start-up that copy took 9% of the operator's samples. Policies and
   * exceptions get their status set by their reconcilers and stay copied.
   */
  private static Cloner podsUncloned(KubernetesClient client) {
    return new Cloner() {
      @Override
      public <R extends HasMetadata> R clone(R object) {
        return object instanceof Pod ? object : client.getKubernetesSerialization().clone(object);
      }
    };
  }

  private static void namespaces(ControllerConfigurationOverrider<?> config, OperatorSettings settings) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  /**
   * Ready once the operator started and its informers are healthy and, if enabled, the webhook serves. A replica
   * that does not lead is ready too: it serves admission requests while the leader reconciles.
   */
  private Health readiness() {
    if (!operator.getRuntimeInfo().isStarted()) {
      return new Health(false, "starting");
    }
    if (!operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
      return new Health(false, "informers unhealthy: " + operator.getRuntimeInfo().unhealthyEventSources().keySet());
    }
    if (settings.webhook().enabled() && webhook == null) {
      return new Health(false, "webhook not serving");
    }
    return new Health(true, "informers synced, " + (settings.webhook().enabled() ? "webhook serving, " : "")
        + (metrics.isLeading() ? "leading" : "standing by"));
  }

  public ImmutabilityOperator start() {
    http.start();
    if (settings.webhook().enabled()) {
      // Every replica serves admission, leader or not: the API server may call any of them.
      webhook = new AdmissionWebhook(client, settings.webhook(), settings.watchNamespaces(), view, eventDrift,
          metrics, clock);
    }
    operator.start();
    if (!settings.leaderElection()) {
      // Without leader election start() returns once every informer has synced.
      view.markSynced();
      remediator.resume();
    }
    log.info("immutability operator started; metrics and health on http://{}:{}",
        http.address().getHostString(), http.address().getPort());
    return this;
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The webhook's address, when it runs. */
  public Optional<InetSocketAddress> webhookAddress() {
    return Optional.ofNullable(webhook).map(AdmissionWebhook::address);
  }

  @Override
  public void close() {
    closing = true;
    if (webhook != null) {
      webhook.close();
    }
    boolean wasLeading = metrics.isLeading();
    operator.stop();
    if (settings.leaderElection() && wasLeading) {
      LeaseRelease.release(client, settings.leaseNamespace(), settings.leaseName(), settings.instanceName());
    }
    eventDrift.close();
    reports.close();
    remediator.close();
    events.close();
    http.close();
  }
}
