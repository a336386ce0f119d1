package dev.immutability.operator;

import dev.immutability.operator.config.OperatorSettings;
import dev.immutability.operator.metrics.HttpEndpoints;
import dev.immutability.operator.metrics.HttpEndpoints.Health;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.reconciler.ClusterView;
import dev.immutability.operator.reconciler.PodDriftReconciler;
import dev.immutability.operator.reconciler.PolicyReconciler;
import dev.immutability.operator.recording.EventRecorder;
import dev.immutability.operator.recording.PodRecorder;
import dev.immutability.operator.remediation.Remediator;
import dev.immutability.operator.remediation.ReplacementLedger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the operator's parts together and runs them: the composition root, shared by Main and the tests. */
public final class ImmutabilityOperator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImmutabilityOperator.class);

  private final Operator operator;
  private final Remediator remediator;
  private final HttpEndpoints http;
  private final ClusterView view = new ClusterView();
  private final OperatorSettings settings;

  public ImmutabilityOperator(KubernetesClient client, OperatorSettings settings) {
    this.settings = settings;
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    OperatorMetrics metrics = new OperatorMetrics(registry);

    ReplacementLedger ledger = new ReplacementLedger();
    EventRecorder events = new EventRecorder(client, settings.instanceName());
    remediator = new Remediator(client, view, ledger, events, metrics, clock, settings.replacementTimeout());
    PolicyReconciler policies = new PolicyReconciler(client, view, ledger, metrics, clock);
    PodDriftReconciler pods = new PodDriftReconciler(view, new PodRecorder(client), events, remediator, metrics,
        policies::trigger, clock);

    operator = new Operator(o -> {
      o.withKubernetesClient(client).withCloseClientOnStop(false);
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(settings.leaseName(),
            settings.leaseNamespace(), settings.instanceName()));
      }
    });
    operator.register(policies, c -> namespaces(c, settings));
    operator.register(pods, c -> namespaces(c, settings));
    http = new HttpEndpoints(settings.httpAddress(), registry,
        () -> new Health(true, "process running"),
        this::readiness);
  }

  private static void namespaces(ControllerConfigurationOverrider<?> config, OperatorSettings settings) {
    if (!settings.watchNamespaces().isEmpty()) {
      config.settingNamespaces(settings.watchNamespaces());
    }
  }

  private Health readiness() {
    if (!operator.getRuntimeInfo().isStarted()) {
      return new Health(false, "starting");
    }
    if (!operator.getRuntimeInfo().allEventSourcesAreHealthy()) {
      return new Health(false, "informers unhealthy: " + operator.getRuntimeInfo().unhealthyEventSources().keySet());
    }
    return new Health(true, "informers synced");
  }

  public ImmutabilityOperator start() {
    http.start();
    operator.start();
    if (!settings.leaderElection()) {
      // Without leader election start() returns once every informer has synced.
      view.markSynced();
    }
    log.info("immutability operator started; metrics and health on http://{}:{}",
        http.address().getHostString(), http.address().getPort());
    return this;
  }

  public InetSocketAddress httpAddress() {
    return http.address();
  }

  @Override
  public void close() {
    operator.stop();
    remediator.close();
    http.close();
  }
}
