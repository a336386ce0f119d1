package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageDigestsTest {
  private static final String DIGEST = TestPods.DIGEST_A;

  @Test
  void readsTheDigestOfEveryFormRuntimesReport() {
    assertThat(ImageDigests.digestOf("docker.io/library/nginx@" + DIGEST)).isEqualTo(DIGEST);
    assertThat(ImageDigests.digestOf("docker-pullable://nginx@" + DIGEST)).isEqualTo(DIGEST);
    assertThat(ImageDigests.digestOf("registry:5000/team/app@" + DIGEST)).isEqualTo(DIGEST);
    assertThat(ImageDigests.digestOf(DIGEST)).isEqualTo(DIGEST);
  }

  @Test
  void somethingWithoutADigestHasNone() {
    assertThat(ImageDigests.digestOf(null)).isNull();
    assertThat(ImageDigests.digestOf("")).isNull();
    assertThat(ImageDigests.digestOf("nginx:1.27")).isNull();
    assertThat(ImageDigests.digestOf("nginx@sha256:short")).isNull();
  }
}
