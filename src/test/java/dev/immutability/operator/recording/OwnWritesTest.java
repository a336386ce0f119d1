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
  void aVersionWrittenHereIsRecognisedOnceAndNoOtherIs() {
    OwnWrites writes = new OwnWrites();
    writes.wrote(version("10"));

    assertThat(writes.consume(version("11"))).as("someone else's later write").isFalse();
    assertThat(writes.consume(version("10"))).isTrue();
    assertThat(writes.consume(version("10"))).as("recognised once").isFalse();
  }
}
