package dev.immutability.operator.drift;

import dev.immutability.operator.api.ImmutabilityPolicySpec;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Small pods and policies for unit tests. */
public final class TestPods {
  public static final String DIGEST_A = "sha256:" + "a".repeat(64);
  public static final String DIGEST_B = "sha256:" + "b".repeat(64);

  private TestPods() {}

  /** A running pod with one container {@code app} on nginx:1.27 at DIGEST_A. */
  public static PodBuilder running() {
    return new PodBuilder()
        .withNewMetadata().withName("web-1").withNamespace("shop").withUid("uid-1").addToLabels("app", "web")
        .endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27").endContainer().endSpec()
        .withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("app").withImage("nginx:1.27")
        .withImageID("docker.io/library/nginx@" + DIGEST_A).endContainerStatus()
        .endStatus();
  }

  public static Pod pod() {
    return running().build();
  }

  public static ImmutabilityPolicySpec policy() {
    ImmutabilityPolicySpec spec = new ImmutabilityPolicySpec();
    spec.setSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build());
    return spec;
  }
}
