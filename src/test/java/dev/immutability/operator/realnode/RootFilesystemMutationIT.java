package dev.immutability.operator.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.immutability.operator.api.Mode;
import dev.immutability.operator.testing.OperatorTestBase;
import dev.immutability.operator.testing.RealNode;
import dev.immutability.operator.testing.Workloads;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rootFilesystem.mutate: a pod asked for without a read-only root is admitted with one, plus emptyDirs at the
 * declared writable paths, and its container really runs that way.
 */
class RootFilesystemMutationIT extends OperatorTestBase {
  /** The container's own account: a write to the root, then one to the declared writable path. */
  private static final String PROBE = "touch /x 2>&1; echo \"root write exit $?\"; "
      + "echo data > /var/cache/app/file && echo \"cache write ok\"; exec sleep 3600";

  @BeforeAll
  static void requireRealNode() {
    RealNode.require(cluster);
  }

  @Test
  void theAdmittedContainerRunsReadOnlyWithItsWritablePaths() {
    workloads.policy("locked", "mutated", Mode.Enforce, spec -> {
      spec.getRootFilesystem().setRequireReadOnly(true);
      spec.getRootFilesystem().setMutate(true);
      spec.getRootFilesystem().setWritablePaths(List.of("/var/cache/app"));
    });
    workloads.awaitOperatorCaughtUp();
    workloads.deployment("mutated", 1, RealNode.spec("sh", "-c", PROBE).build());
    Pod pod = workloads.readyPods("mutated").get(0);

    Container container = pod.getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    String volume = container.getVolumeMounts().stream().filter(m -> "/var/cache/app".equals(m.getMountPath()))
        .findFirst().orElseThrow().getName();
    assertThat(pod.getSpec().getVolumes()).filteredOn(v -> volume.equals(v.getName()))
        .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());

    String name = pod.getMetadata().getName();
    await("the container's report").atMost(Workloads.TIMEOUT)
        .until(() -> cluster.logs(name).contains("cache write ok"));
    assertThat(cluster.logs(name)).contains("touch: /x: Read-only file system").contains("root write exit 1");
  }
}
