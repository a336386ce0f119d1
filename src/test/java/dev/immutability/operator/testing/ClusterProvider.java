package dev.immutability.operator.testing;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Chooses the cluster the integration tests run against, once per test run: an existing cluster when
 * {@code -Dit.kubeconfig=PATH} is given, Testcontainers K3s when a Docker engine answers, otherwise the local
 * control plane of {@code hack/local-cluster.sh} (with its real node when {@code -Dit.realNode=true}).
 */
final class ClusterProvider implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterProvider.class);
  private static final String K3S_IMAGE = "rancher/k3s:v1.34.1-k3s1";

  private final Config config;
  private final Path kubeconfig;
  private final Runnable shutdown;

  private ClusterProvider(Path kubeconfig, Runnable shutdown) {
    this.kubeconfig = kubeconfig;
    this.config = Config.fromKubeconfig(read(kubeconfig));
    this.shutdown = shutdown;
  }

  static ClusterProvider start() {
    String existing = System.getProperty("it.kubeconfig");
    if (existing != null && !existing.isBlank()) {
      log.info("integration tests use the existing cluster of {}", existing);
      return new ClusterProvider(Path.of(existing), () -> {});
    }
    if (!Boolean.getBoolean("it.noDocker") && DockerClientFactory.instance().isDockerAvailable()) {
      return startK3s();
    }
    return startLocalControlPlane();
  }

  private static ClusterProvider startK3s() {
    log.info("integration tests use Testcontainers K3s ({})", K3S_IMAGE);
    K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    try {
      Path file = Files.createTempFile("k3s-kubeconfig", ".yaml");
      Files.writeString(file, k3s.getKubeConfigYaml());
      return new ClusterProvider(file, k3s::stop);
    } catch (IOException e) {
      k3s.stop();
      throw new UncheckedIOException(e);
    }
  }

  private static ClusterProvider startLocalControlPlane() {
    boolean alreadyRunning = LocalCluster.run(List.of("status"), 30).exitCode() == 0;
    // The real-node tests (-Preal-node) add a kubelet node whose containers really run.
    List<String> args = Boolean.getBoolean("it.realNode") ? List.of("up", "--real-node") : List.of("up");
    LocalCluster.Result up = LocalCluster.run(args, TimeUnit.MINUTES.toSeconds(80));
    if (up.exitCode() != 0) {
      throw new IllegalStateException("hack/local-cluster.sh up failed:\n" + up.output());
    }
    Path kubeconfig = Path.of(LocalCluster.run(List.of("kubeconfig"), 10).output().strip());
    log.info("integration tests use the local control plane ({})", kubeconfig);
    boolean keep = alreadyRunning || Boolean.getBoolean("it.keepCluster");
    return new ClusterProvider(kubeconfig, () -> {
      if (!keep) {
        LocalCluster.run(List.of("down"), 60);
      }
    });
  }

  Config config() {
    return config;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  @Override
  public void close() {
    shutdown.run();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + file, e);
    }
  }
}
