package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String OTHER_DIGEST = "sha256:" + "b".repeat(64);

  @Test
  void aShortNameIsQualifiedAsTheRuntimeResolvesIt() {
    assertThat(ImageReference.parse("nginx")).isEqualTo(new ImageReference("docker.io/library/nginx", "latest", null));
    assertThat(ImageReference.parse("bitnami/redis:7")).isEqualTo(new ImageReference("docker.io/bitnami/redis", "7", null));
    assertThat(ImageReference.parse("registry.local:5000/team/app:v1@" + DIGEST))
        .isEqualTo(new ImageReference("registry.local:5000/team/app", "v1", DIGEST));
    assertThat(ImageReference.parse("localhost/app@" + DIGEST)).isEqualTo(new ImageReference("localhost/app", null, DIGEST));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "nginx, docker.io/library/nginx:latest",
      "nginx:1.27, docker.io/library/nginx:1.27",
      "library/nginx:1.27, nginx:1.27",
      "nginx:1.27, nginx:1.27@" + "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "nginx@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "
          + "docker.io/library/nginx:1.27@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "Registry.Local/app:1, registry.local/app:1",
  })
  void spellingsOfOneImageAreTheSame(String a, String b) {
    assertThat(ImageReference.same(a, b)).isTrue();
    assertThat(ImageReference.same(b, a)).isTrue();
  }

  @Test
  void differentImagesDiffer() {
    assertThat(ImageReference.same("nginx:1.27", "nginx:1.28")).isFalse();
    assertThat(ImageReference.same("nginx", "nginx:1.27")).isFalse();
    assertThat(ImageReference.same("nginx", "mirror.local/library/nginx")).isFalse();
    assertThat(ImageReference.same("nginx@" + DIGEST, "nginx@" + OTHER_DIGEST)).isFalse();
    assertThat(ImageReference.same("nginx:1.27@" + DIGEST, "nginx:1.27@" + OTHER_DIGEST)).isFalse();
    assertThat(ImageReference.same("other/nginx:1.27", "nginx:1.27")).isFalse();
  }

  @Test
  void aTagAndABareDigestCannotBeToldApartWithoutARegistry() {
    assertThat(ImageReference.same("nginx:1.27", "nginx@" + DIGEST)).isFalse();
  }
}
