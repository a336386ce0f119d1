package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.TestPods;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
  private static Pod version(String resourceVersion) {
    return TestPods.running().editMetadata().withResourceVersion(resourceVersion).endMetadata().build();
  }

  @Test
  void anUpdateMadeOfOneOwnWriteIsRecognisedOnce() {
    OwnWrites writes = new OwnWrites();
    writes.wrote("9", version("10").getMetadata());

    assertThat(writes.consume(version("11"), version("10"))).as("someone else's later write").isFalse();
    assertThat(writes.consume(version("10"), version("9"))).isTrue();
    assertThat(writes.consume(version("10"), version("9"))).as("recognised once").isFalse();
  }

  @Test
  void anUpdateSpanningMoreThanTheOwnWriteIsEvaluated() {
    // A re-list after a lost watch shows 8 -> 10: someone's write 9 may lie between, under our write 10.
    OwnWrites writes = new OwnWrites();
    writes.wrote("9", version("10").getMetadata());
    assertThat(writes.consume(version("10"), version("8"))).isFalse();
  }
}
