package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.TestCluster;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The seed's case on real containers: with readOnlyRootFilesystem, nothing can be written or copied into the root
 * filesystem, while the emptyDirs at the writable paths still take writes and copies.
 */
@ExtendWith(ClusterExtension.class)
class ReadOnlyRootFilesystemIT {
  private static final String POD = "read-only";
  private static TestCluster cluster;

  @BeforeAll
  static void startPod(TestCluster testCluster) {
    cluster = testCluster;
    RealNode.require(cluster);
    cluster.client().pods().inNamespace(cluster.namespace()).resource(new PodBuilder()
        .withNewMetadata().withName(POD).endMetadata()
        .withSpec(RealNode.spec()
            .editFirstContainer().withNewSecurityContext().withReadOnlyRootFilesystem(true).endSecurityContext()
            .addNewVolumeMount().withName("cache").withMountPath("/var/cache").endVolumeMount()
            .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
            .endContainer()
            .addNewVolume().withName("cache").withNewEmptyDir().endEmptyDir().endVolume()
            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
            .build())
        .build()).create();
    await(POD + " ready").atMost(Workloads.TIMEOUT)
        .until(() -> Workloads.isReady(cluster.client().pods().inNamespace(cluster.namespace()).withName(POD).get()));
  }

  private static LocalCluster.Result exec(String... command) {
    return cluster.exec(POD, command);
  }

  @Test
  void writingToTheRootFailsWhileTheEmptyDirTakesWrites() {
    LocalCluster.Result emptyDir = exec("sh", "-c", "echo kept > /var/cache/file && cat /var/cache/file");
    assertThat(emptyDir.exitCode()).as(emptyDir.output()).isZero();
    assertThat(emptyDir.output()).contains("kept");

    LocalCluster.Result root = exec("touch", "/x");
    assertThat(root.exitCode()).as(root.output()).isNotZero();
    assertThat(root.output()).contains("touch: /x: Read-only file system");
    assertThat(exec("ls", "/x").output()).contains("No such file or directory");
  }

  @Test
  void kubectlCpIntoTheRootFailsWhileCopiesIntoTheEmptyDirWork() throws Exception {
    Path file = Files.createTempFile("copied", ".txt");
    Files.writeString(file, "copied content");

    LocalCluster.Result intoEmptyDir = cluster.kubectl("cp", file.toString(),
        cluster.namespace() + "/" + POD + ":/tmp/copied.txt");
    assertThat(intoEmptyDir.exitCode()).as(intoEmptyDir.output()).isZero();
    assertThat(exec("cat", "/tmp/copied.txt").output()).contains("copied content");

    LocalCluster.Result intoRoot = cluster.kubectl("cp", file.toString(),
        cluster.namespace() + "/" + POD + ":/copied.txt");
    assertThat(intoRoot.exitCode()).as(intoRoot.output()).isNotZero();
    assertThat(intoRoot.output()).contains("Read-only file system");
    assertThat(exec("ls", "/copied.txt").output()).contains("No such file or directory");
  }
}
