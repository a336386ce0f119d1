package dev.immutability.operator.webhook;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.config.WebhookSettings;
import dev.immutability.operator.metrics.OperatorMetrics;
import dev.immutability.operator.observe.ClusterView;
import dev.immutability.operator.recording.EventDriftRecorder;
import dev.immutability.operator.runtime.DaemonThreads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admission webhook as one part: TLS, the HTTPS server, and its registration with the API server. */
public final class AdmissionWebhook implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdmissionWebhook.class);

  private final WebhookServer server;
  /** How soon a namespace's first Enforce policy makes the webhook fail closed there. */
  private static final Duration ENFORCE_SYNC = Duration.ofSeconds(2);
  private final WebhookRegistration registration;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("webhook-certificates"));

  public AdmissionWebhook(KubernetesClient client, WebhookSettings settings, Set<String> watchNamespaces,
      ClusterView view, EventDriftRecorder recorder, OperatorMetrics metrics, Clock clock) {
    // The CA is known before the port is (port 0 binds at start), so the first bundle waits for the registration.
    AtomicReference<String> caBundle = new AtomicReference<>();
    AtomicReference<WebhookRegistration> registered = new AtomicReference<>();
    Consumer<String> caBundleChanged = pem -> {
      caBundle.set(pem);
      if (registered.get() != null) {
        registered.get().caBundleChanged(pem);
      }
    };
    WebhookSettings.Certificates certificates = settings.certificates();
    WebhookTls tls = switch (settings.tls()) {
      case "files" -> WebhookTls.fromFiles(settings.certDir());
      case "secret" -> WebhookTls.shared(new SharedCertificates(client, settings.serviceNamespace(),
          certificates.secretName(), hosts(settings), certificates.validity(), certificates.renewBefore(),
          certificates.refreshEvery().multipliedBy(2), clock), caBundleChanged);
      default -> WebhookTls.selfManaged(hosts(settings), certificates.validity(), certificates.renewBefore(),
          caBundleChanged, clock);
    };
    server = new WebhookServer(settings.address(), tls, ClientAuthentication.from(settings.clientCaFile()),
        lookup(view), recorder, metrics, settings.runtimeEventsToken(), clock);
    registration = new WebhookRegistration(client, settings, watchNamespaces, server.address().getPort());
    server.start();
    if (caBundle.get() != null) {
      registration.caBundleChanged(caBundle.get());
    }
    registered.set(registration);
    periodically("webhook-certificates", certificates.refreshEvery(), tls::refresh, metrics);
    periodically("webhook-failure-policy", ENFORCE_SYNC,
        () -> registration.enforcingNamespaces(view.namespacesEnforcing()), metrics);
    log.info("admission webhook listening on https://{}:{} (TLS {}, registration {})",
        server.address().getHostString(), server.address().getPort(), settings.tls(), settings.registration());
  }

  /** A failure must not cancel the schedule: it is logged, counted and retried at the next run. */
  private void periodically(String task, Duration every, Runnable work, OperatorMetrics metrics) {
    refresher.scheduleWithFixedDelay(() -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        metrics.backgroundTaskFailed(task);
        log.warn("{} failed, retrying in {}: {}", task, every, e.toString());
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  public InetSocketAddress address() {
    return server.address();
  }

  private static List<String> hosts(WebhookSettings settings) {
    if ("url".equals(settings.registration())) {
      return List.of(settings.urlHost());
    }
    String service = settings.serviceName();
    String namespace = settings.serviceNamespace();
    return List.of(service + "." + namespace + ".svc", service, service + "." + namespace,
        service + "." + namespace + ".svc.cluster.local");
  }

  private static PolicyLookup lookup(ClusterView view) {
    return new PolicyLookup() {
      @Override
      public Optional<Pod> pod(String namespace, String name) {
        return view.pod(namespace, name);
      }

      @Override
      public List<ImmutabilityPolicy> selecting(String namespace, Map<String, String> labels) {
        return view.policiesSelecting(namespace, labels);
      }

      @Override
      public List<ImmutabilityPolicy> governing(Pod pod) {
        return view.policiesSelecting(pod);
      }

      @Override
      public List<ImmutabilityException> exceptions(String namespace, Map<String, String> labels) {
        return view.exceptionsFor(namespace, labels);
      }
    };
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    registration.close();
    server.close();
  }
}
