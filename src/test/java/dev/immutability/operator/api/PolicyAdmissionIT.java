package dev.immutability.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.testing.ClusterExtension;
import dev.immutability.operator.testing.LocalCluster;
import dev.immutability.operator.testing.OperatorHarness;
import dev.immutability.operator.testing.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A wrong policy is refused by `kubectl apply` with a message that names the field; defaults are filled in. */
@ExtendWith(ClusterExtension.class)
class PolicyAdmissionIT {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static TestCluster cluster;

  @BeforeAll
  static void installCrd(TestCluster testCluster) {
    cluster = testCluster;
    OperatorHarness.installCrd(testCluster.client());
  }

  private static LocalCluster.Result apply(String name, String spec) throws IOException {
    String yaml = """
        apiVersion: immutability.dev/v1alpha1
        kind: ImmutabilityPolicy
        metadata:
          name: %s
        spec:
        %s
        """.formatted(name, spec.indent(2));
    Path file = Files.createTempFile("policy", ".yaml");
    Files.writeString(file, yaml);
    try {
      return cluster.kubectl("apply", "-n", cluster.namespace(), "-f", file.toString());
    } finally {
      Files.delete(file);
    }
  }

  static Stream<Arguments> badPolicies() {
    String selector = "selector: {matchLabels: {app: web}}\n";
    return Stream.of(
        Arguments.of("unknown mode", selector + "mode: Sometimes",
            "spec.mode: Unsupported value: \"Sometimes\": supported values: \"Audit\", \"Enforce\", \"Remediate\""),
        Arguments.of("no selector", "mode: Audit", "spec.selector: Required value"),
        Arguments.of("empty selector", "selector: {}",
            "spec.selector: Invalid value: \"object\": spec.selector must set matchLabels or matchExpressions"),
        Arguments.of("empty matchLabels", "selector: {matchLabels: {}}",
            "an empty selector would select every pod in the namespace"),
        Arguments.of("expression without operator", "selector: {matchExpressions: [{key: app, values: [web]}]}",
            "spec.selector.matchExpressions[0].operator: Required value"),
        Arguments.of("In without values", "selector: {matchExpressions: [{key: app, operator: In}]}",
            "spec.selector.matchExpressions[0]: Invalid value: \"object\": spec.selector.matchExpressions: operators In "
                + "and NotIn need at least one value"),
        Arguments.of("NotIn with empty values", "selector: {matchExpressions: [{key: app, operator: NotIn, values: []}]}",
            "operators In and NotIn need at least one value"),
        Arguments.of("unknown operator", "selector: {matchExpressions: [{key: app, operator: Equals, values: [web]}]}",
            "spec.selector.matchExpressions[0].operator: Unsupported value: \"Equals\""),
        Arguments.of("malformed duration", selector + "remediation: {execGracePeriod: 5 minutes}",
            "spec.remediation.execGracePeriod: Invalid value: \"string\": spec.remediation.execGracePeriod must be a duration"),
        Arguments.of("percentage over 100", selector + "remediation: {maxUnavailable: \"150%\"}",
            "spec.remediation.maxUnavailable must be an integer of at least 1 or a percentage from 1% to 100%"),
        Arguments.of("malformed percentage", selector + "remediation: {maxUnavailable: half}",
            "spec.remediation.maxUnavailable: Invalid value"),
        Arguments.of("maxUnavailable zero", selector + "remediation: {maxUnavailable: 0}",
            "spec.remediation.maxUnavailable must be an integer of at least 1"),
        Arguments.of("maxUnavailable negative", selector + "remediation: {maxUnavailable: -2}",
            "spec.remediation.maxUnavailable must be an integer of at least 1"),
        Arguments.of("unknown strategy", selector + "remediation: {strategy: Recreate}",
            "spec.remediation.strategy: Unsupported value: \"Recreate\""),
        Arguments.of("pin without digest", selector + "images: [{container: nginx, image: \"nginx:1.27\"}]",
            "spec.images[0].image: Invalid value: \"string\": spec.images[].image must be pinned by digest"),
        Arguments.of("pin with a short digest", selector + "images: [{container: nginx, image: \"nginx@sha256:abc\"}]",
            "spec.images[].image must be pinned by digest"),
        Arguments.of("pin without container", selector + "images: [{image: \"nginx@" + DIGEST + "\"}]",
            "spec.images[0].container: Required value"),
        Arguments.of("invalid container name", selector + "images: [{container: Nginx_1, image: \"nginx@" + DIGEST + "\"}]",
            "spec.images[0].container: Invalid value: \"Nginx_1\""),
        Arguments.of("relative writable path", selector + "rootFilesystem: {requireReadOnly: true, writablePaths: [var/run]}",
            "spec.rootFilesystem.writablePaths must be absolute paths"),
        Arguments.of("mutate without requireReadOnly", selector + "rootFilesystem: {mutate: true}",
            "spec.rootFilesystem.mutate needs spec.rootFilesystem.requireReadOnly: true"),
        Arguments.of("detect toggle not a boolean", selector + "detect: {exec: sometimes}",
            "spec.detect.exec: Invalid value: \"string\": spec.detect.exec in body must be of type boolean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPolicies")
  void aWrongPolicyIsRefusedWithAMessageNamingTheField(String name, String spec, String message) throws IOException {
    LocalCluster.Result result = apply("bad", spec);
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("is invalid").contains(message);
  }

  @Test
  void aMinimalPolicyGetsEveryDefault() throws IOException {
    LocalCluster.Result result = apply("minimal", "selector: {matchLabels: {app: web}}");
    assertThat(result.exitCode()).as(result.output()).isZero();
    ImmutabilityPolicySpec spec = cluster.client().resources(ImmutabilityPolicy.class).inNamespace(cluster.namespace())
        .withName("minimal").get().getSpec();
    assertThat(spec.getMode()).isEqualTo(Mode.Remediate);
    assertThat(spec.getDetect()).satisfies(d -> assertThat(d.isExec() && d.isAttach() && d.isEphemeralContainers()
        && d.isImage() && d.isConfig() && d.isRootFilesystem()).isTrue());
    assertThat(spec.getRemediation().getStrategy()).isEqualTo(Strategy.Evict);
    assertThat(spec.getRemediation().getExecGracePeriod()).isEqualTo("0s");
    assertThat(spec.getRemediation().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(spec.getRemediation().isDryRun()).isFalse();
    assertThat(spec.getRootFilesystem().isRequireReadOnly()).isFalse();
  }

  @Test
  void aPercentageAndAFullPolicyAreAccepted() throws IOException {
    LocalCluster.Result result = apply("full", """
        selector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
        mode: Enforce
        images: [{container: nginx, image: "nginx@%s"}]
        rootFilesystem: {requireReadOnly: true, mutate: true, writablePaths: [/var/cache/nginx, /var/run]}
        remediation: {strategy: Delete, execGracePeriod: 1h30m, maxUnavailable: "25%%", dryRun: true}
        exclude: {containers: [istio-proxy]}""".formatted(DIGEST));
    assertThat(result.exitCode()).as(result.output()).isZero();
  }
}
