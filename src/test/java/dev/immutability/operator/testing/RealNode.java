package dev.immutability.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kubelet node of {@code hack/local-cluster.sh up --real-node}, whose containers really run: pods for it, images
 * built from local files and imported into its containerd, and its containers' tasks.
 */
public final class RealNode {
  public static final String LABEL = "immutability.dev/real-node";
  /** Debian's busybox-static, with tar for {@code kubectl cp}; imported when the node starts. */
  public static final String BUSYBOX = "local.test/busybox:1";

  private RealNode() {}

  /**
   * Fails (never skips) when the cluster has no ready real node: these tests prove what KWOK cannot, so a run
   * without the node must not look green.
   */
  public static void require(TestCluster cluster) {
    Node node = cluster.client().nodes().withLabel(LABEL, "true").list().getItems().stream().findFirst().orElse(null);
    assertThat(node).as("a real node (hack/local-cluster.sh up --real-node) in the cluster of " + cluster.kubeconfig())
        .isNotNull();
    assertThat(node.getStatus().getConditions()).as("the real node's conditions")
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** A pod spec placed on the real node: its selector and toleration, and images that are never pulled. */
  public static PodSpecBuilder spec(String... command) {
    return new PodSpecBuilder()
        .addToNodeSelector(LABEL, "true")
        .addNewToleration().withKey(LABEL).withOperator("Exists").withEffect("NoSchedule").endToleration()
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer().withName("main").withImage(BUSYBOX).withImagePullPolicy("Never")
        .withCommand(command.length > 0 ? List.of(command) : List.of("sleep", "3600")).endContainer();
  }

  /** Builds an OCI image tar with {@code hack/oci-image.sh} from busybox plus the given files, and imports it. */
  public static void buildAndImport(String ref, Map<String, String> files) {
    try {
      Path work = Files.createTempDirectory("image");
      Path rootfs = work.resolve("rootfs");
      Path extra = work.resolve("extra");
      run(List.of(script("oci-image.sh"), "busybox-rootfs", rootfs.toString()));
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path target = extra.resolve(file.getKey().replaceFirst("^/", ""));
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue());
      }
      Path tar = work.resolve("image.tar");
      List<String> build = new ArrayList<>(List.of(script("oci-image.sh"), "build", ref, tar.toString(),
          rootfs.toString()));
      if (!files.isEmpty()) {
        build.add(extra.toString());
      }
      run(build);
      load(tar);
      run(List.of("rm", "-rf", work.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Imports an OCI image tar into the node's containerd. */
  public static void load(Path tar) {
    run(List.of(script("local-cluster.sh"), "load-image", tar.toString()));
  }

  /** Kills a container's task as a crash would; the kubelet starts it again, from the image the tag names now. */
  public static void killContainer(TestCluster cluster, Pod pod) {
    String id = pod.getStatus().getContainerStatuses().get(0).getContainerID().replaceFirst("^containerd://", "");
    run(List.of("ctr", "--address", socket(cluster).toString(), "--namespace", "k8s.io", "tasks", "kill", "-s",
        "SIGKILL", id));
  }

  /** The host process id of a container's first process, from containerd. */
  public static long hostPid(TestCluster cluster, String containerId) {
    String id = containerId.replaceFirst("^containerd://", "");
    String tasks = run(List.of("ctr", "--address", socket(cluster).toString(), "--namespace", "k8s.io", "tasks",
        "ls"));
    return tasks.lines().filter(l -> l.startsWith(id + " ")).map(l -> Long.parseLong(l.trim().split("\\s+")[1]))
        .findFirst().orElseThrow(() -> new IllegalStateException("no task " + id + " in\n" + tasks));
  }

  private static Path socket(TestCluster cluster) {
    return cluster.kubeconfig().getParent().resolve("node/containerd/containerd.sock");
  }

  private static String script(String name) {
    return LocalCluster.projectRoot().resolve("hack").resolve(name).toString();
  }

  static String run(List<String> command) {
    LocalCluster.Result result = LocalCluster.exec(command, 300, false);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(command + " failed:\n" + result.output());
    }
    return result.output();
  }
}
