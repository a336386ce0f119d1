package dev.immutability.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The cluster an integration test class runs against, with a namespace of its own. */
public record TestCluster(KubernetesClient client, String namespace, Path kubeconfig) {

  /**
   * A file of the API server's identity towards webhooks (webhook-client-ca.crt, webhook-client.crt,
   * webhook-client.key), where this cluster has one: the local control plane does, beside its kubeconfig.
   */
  public Optional<Path> webhookClientFile(String name) {
    return Optional.of(kubeconfig.getParent().resolve("pki").resolve(name)).filter(Files::isRegularFile);
  }

  /** Runs the real kubectl binary against this cluster, as a user would; stderr is merged into the output. */
  public LocalCluster.Result kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return LocalCluster.exec(command, 120, false);
  }

  /** {@code kubectl exec POD -- COMMAND...} in this cluster's namespace. */
  public LocalCluster.Result exec(String pod, String... command) {
    List<String> args = new ArrayList<>(List.of("-n", namespace, "exec", pod, "--"));
    args.addAll(List.of(command));
    return kubectl(args.toArray(String[]::new));
  }

  /** What a pod's container has printed so far, from {@code kubectl logs}. */
  public String logs(String pod) {
    return kubectl("-n", namespace, "logs", pod).output();
  }

  private static String kubectlBinary() {
    String configured = System.getProperty("it.kubectl");
    return configured != null ? configured : LocalCluster.binary("kubectl").toString();
  }
}
