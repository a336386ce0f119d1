package dev.immutability.operator.testing;

import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import dev.immutability.operator.api.Mode;
import dev.immutability.operator.recording.PodRecords;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Deployments, pods and policies for integration tests, and waits on what the operator does to them. */
public final class Workloads {
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final KubernetesClient client;
  private final String namespace;
  private final AtomicInteger markers = new AtomicInteger();

  public Workloads(TestCluster cluster) {
    this.client = cluster.client();
    this.namespace = cluster.namespace();
  }

  public static PodSpecBuilder nginx() {
    return new PodSpecBuilder().addNewContainer().withName("nginx").withImage("nginx:1.27").endContainer();
  }

  public Deployment deployment(String app, int replicas, PodSpec spec) {
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName(app).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app", app).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata().withSpec(spec).endTemplate()
        .endSpec().build();
    Deployment created = client.apps().deployments().inNamespace(namespace).resource(deployment).create();
    await(app + " ready").atMost(TIMEOUT).until(() -> readyPods(app).size() == replicas);
    return created;
  }

  public ImmutabilityPolicy policy(String name, String app, Mode mode, Consumer<ImmutabilityPolicySpec> customize) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setName(name);
    policy.getMetadata().setNamespace(namespace);
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build());
    spec.setMode(mode);
    customize.accept(spec);
    policy.setSpec(spec);
    return client.resource(policy).create();
  }

  public ImmutabilityPolicy policy(String name) {
    return client.resources(ImmutabilityPolicy.class).inNamespace(namespace).withName(name).get();
  }

  public List<Pod> pods(String app) {
    return client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
  }

  public List<Pod> readyPods(String app) {
    return pods(app).stream().filter(Workloads::isReady).toList();
  }

  public static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  public Pod pod(String name) {
    return client.pods().inNamespace(namespace).withName(name).get();
  }

  /** Waits until the operator has recorded a baseline on each ready pod of the app. */
  public List<Pod> awaitBaselines(String app, int count) {
    await(app + " baselines").atMost(TIMEOUT).until(() -> readyPods(app).stream()
        .filter(p -> PodRecords.baseline(p).isPresent()).count() == count);
    return readyPods(app);
  }

  public List<Event> eventsFor(String kind, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  /**
   * Proves the operator has processed everything that happened before this call: a marker pod (under an Audit
   * policy of its own) is created and edited afterwards, and its finding awaited. A negative assertion made after
   * this has seen the operator handle a later event, rather than trusting a sleep.
   */
  public void awaitOperatorCaughtUp() {
    if (policy("marker") == null) {
      policy("marker", "marker", Mode.Audit, spec -> spec.getDetect().setConfig(false));
    }
    String name = "marker-" + markers.incrementAndGet();
    client.pods().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
        .withName(name).addToLabels("app", "marker").endMetadata().withSpec(nginx().build()).build()).create();
    await(name + " baseline").atMost(TIMEOUT).until(() -> PodRecords.baseline(pod(name)).isPresent());
    editImage(name, "nginx:1.28");
    await(name + " finding").atMost(TIMEOUT).until(() -> PodRecords.isDrifted(pod(name)));
  }

  public void editImage(String pod, String image) {
    client.pods().inNamespace(namespace).withName(pod).edit(p -> {
      p.getSpec().getContainers().get(0).setImage(image);
      return p;
    });
  }
}
