package dev.immutability.operator.drift;

import static dev.immutability.operator.drift.TestPods.DIGEST_A;
import static dev.immutability.operator.drift.TestPods.DIGEST_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImagePin;
import dev.immutability.operator.api.ImmutabilityPolicySpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Baseline BASELINE = new Baseline(Map.of("app", "nginx:1.27"), Map.of("app", DIGEST_A),
      Map.of(), NOW.minusSeconds(60));

  /** Every case also checks that detection leaves the pod as it was: the operator hands it the cached pod itself. */
  private static List<Finding> detect(Pod pod, DeclaredState declared, ImmutabilityPolicySpec policy) {
    Pod before = Serialization.clone(pod);
    List<Finding> findings = DriftDetector.detect(pod, declared, policy, NOW);
    assertThat(pod).as("the pod after detection").isEqualTo(before);
    return findings;
  }

  private static DeclaredState owned(Baseline baseline) {
    return new DeclaredState(Map.of("app", "nginx:1.27"), baseline, Map.of());
  }

  @Test
  void aPodAsDeclaredHasNoFindings() {
    assertThat(detect(TestPods.pod(), owned(BASELINE), TestPods.policy())).isEmpty();
  }

  @Test
  void findingsCarryTheTimeGivenAndNoPolicyYet() {
    Pod pod = TestPods.running().editSpec().editContainer(0).withImage("nginx:1.28").endContainer().endSpec().build();
    assertThat(detect(pod, owned(BASELINE), TestPods.policy())).singleElement().satisfies(f -> {
      assertThat(f.detectedAt()).isEqualTo(NOW);
      assertThat(f.policies()).isEmpty();
    });
  }

  @Nested
  class ImageChanged {
    private final Pod edited =
        TestPods.running().editSpec().editContainer(0).withImage("nginx:1.28").endContainer().endSpec().build();

    @Test
    void anImageEditedInPlaceDiffersFromTheOwnerTemplate() {
      assertThat(detect(edited, owned(BASELINE), TestPods.policy())).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged);
        assertThat(f.container()).isEqualTo("app");
        assertThat(f.message()).contains("nginx:1.28", "nginx:1.27", "owner's template");
      });
    }

    @Test
    void aBarePodIsComparedWithItsBaseline() {
      DeclaredState bare = new DeclaredState(Map.of(), BASELINE, Map.of());
      assertThat(detect(edited, bare, TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("baseline"));
    }

    @Test
    void aBarePodWithoutBaselineHasNothingToCompareWith() {
      assertThat(detect(edited, new DeclaredState(Map.of(), null, Map.of()), TestPods.policy())).isEmpty();
    }

    @Test
    void theOwnerTemplateWinsOverTheBaseline() {
      Baseline oldBaseline = new Baseline(Map.of("app", "nginx:1.26"), Map.of("app", DIGEST_A), Map.of(), NOW);
      assertThat(detect(TestPods.pod(), owned(oldBaseline), TestPods.policy())).isEmpty();
    }

    @Test
    void aContainerTheTemplateDoesNotKnowIsNotCompared() {
      Pod extra = TestPods.running().editSpec().addNewContainer().withName("other").withImage("busybox").endContainer()
          .endSpec().build();
      assertThat(detect(extra, owned(BASELINE), TestPods.policy())).isEmpty();
    }

    @Test
    void offWhenImageDetectionIsOff() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getDetect().setImage(false);
      assertThat(detect(edited, owned(BASELINE), policy)).isEmpty();
    }

    @Test
    void excludedContainersAreIgnored() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getExclude().setContainers(List.of("app"));
      assertThat(detect(edited, owned(BASELINE), policy)).isEmpty();
    }
  }

  @Nested
  class DeclaredByAdmissionRevisionOrOwner {
    private final Pod mirrored = TestPods.running().editMetadata().withGeneration(1L).endMetadata()
        .editSpec().editContainer(0).withImage("mirror.local/library/nginx:1.27").endContainer().endSpec().build();

    @Test
    void aPodNeverUpdatedSinceCreationRunsTheImagesItWasAdmittedWith() {
      assertThat(detect(mirrored, owned(BASELINE), TestPods.policy())).isEmpty();
    }

    @Test
    void anEditAfterCreationIsComparedWithTheImagesAsAdmitted() {
      Baseline admitted = new Baseline(Map.of("app", "mirror.local/library/nginx:1.27"), Map.of("app", DIGEST_A),
          Map.of(), NOW, true);
      Pod unchangedSinceAdmission = new io.fabric8.kubernetes.api.model.PodBuilder(mirrored).editMetadata()
          .withGeneration(2L).endMetadata().build();
      assertThat(detect(unchangedSinceAdmission, owned(admitted), TestPods.policy())).isEmpty();
      Pod edited = new io.fabric8.kubernetes.api.model.PodBuilder(unchangedSinceAdmission).editSpec().editContainer(0)
          .withImage("nginx:1.28").endContainer().endSpec().build();
      assertThat(detect(edited, owned(admitted), TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("admitted"));
    }

    @Test
    void withoutAnAdmittedBaselineAnUpdatedPodIsComparedWithTheTemplate() {
      Pod updated = new io.fabric8.kubernetes.api.model.PodBuilder(mirrored).editMetadata().withGeneration(2L)
          .endMetadata().build();
      assertThat(detect(updated, owned(BASELINE), TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged));
    }

    @Test
    void imagesCompareAfterNormalisation() {
      Pod spelledOut = TestPods.running().editSpec().editContainer(0)
          .withImage("docker.io/library/nginx:1.27@" + DIGEST_A).endContainer().endSpec().build();
      assertThat(detect(spelledOut, owned(BASELINE), TestPods.policy())).isEmpty();
    }

    @Test
    void anOwnerAllowedToUpdatePodsInPlaceIsTrustedWithImages() {
      Pod edited = TestPods.running().editSpec().editContainer(0).withImage("nginx:1.28").endContainer().endSpec()
          .build();
      DeclaredState cloneSet = new DeclaredState(Map.of(), BASELINE, Map.of(), "CloneSet", false);
      assertThat(detect(edited, cloneSet, TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("baseline"));
      ImmutabilityPolicySpec trusting = TestPods.policy();
      trusting.setOwnersUpdatingInPlace(List.of("CloneSet"));
      assertThat(detect(edited, cloneSet, trusting)).isEmpty();
    }

    @Test
    void initContainersAndSidecarsAreComparedLikeContainers() {
      Pod pod = TestPods.running().editSpec().addNewInitContainer().withName("proxy").withImage("envoy:1.31")
          .withRestartPolicy("Always").endInitContainer().endSpec().build();
      DeclaredState declared = new DeclaredState(Map.of("app", "nginx:1.27", "proxy", "envoy:1.30"), BASELINE,
          Map.of());
      assertThat(detect(pod, declared, TestPods.policy())).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged);
        assertThat(f.container()).isEqualTo("proxy");
      });
    }

    @Test
    void aSidecarDigestIsComparedWithTheBaseline() {
      Baseline baseline = new Baseline(Map.of("app", "nginx:1.27", "proxy", "envoy:1.31"),
          Map.of("app", DIGEST_A, "proxy", DIGEST_A), Map.of(), NOW);
      Pod pod = TestPods.running().editSpec().addNewInitContainer().withName("proxy").withImage("envoy:1.31")
          .withRestartPolicy("Always").endInitContainer().endSpec().editStatus().addNewInitContainerStatus()
          .withName("proxy").withImageID("docker.io/library/envoy@" + DIGEST_B).endInitContainerStatus().endStatus()
          .build();
      assertThat(detect(pod, new DeclaredState(Map.of(), baseline, Map.of()), TestPods.policy())).singleElement()
          .satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DriftReason.ImageDigestChanged);
            assertThat(f.container()).isEqualTo("proxy");
          });
    }

    @Test
    void aSidecarWithAWritableRootIsReported() {
      Pod pod = TestPods.running().editSpec().editContainer(0).withNewSecurityContext()
          .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().addNewInitContainer()
          .withName("proxy").withImage("envoy:1.31").withRestartPolicy("Always").endInitContainer().endSpec().build();
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getRootFilesystem().setRequireReadOnly(true);
      assertThat(detect(pod, owned(BASELINE), policy)).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.WritableRootFilesystem);
        assertThat(f.container()).isEqualTo("proxy");
      });
    }
  }

  @Nested
  class ImageDigestChanged {
    private final Pod repulled = TestPods.running().editStatus().editContainerStatus(0)
        .withImageID("docker.io/library/nginx@" + DIGEST_B).endContainerStatus().endStatus().build();

    @Test
    void aMutableTagThatPulledNewBytesDiffersFromTheBaselineDigest() {
      assertThat(detect(repulled, owned(BASELINE), TestPods.policy())).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.ImageDigestChanged);
        assertThat(f.container()).isEqualTo("app");
        assertThat(f.message()).contains(DIGEST_B, DIGEST_A);
      });
    }

    @Test
    void noBaselineNoDigestFinding() {
      assertThat(detect(repulled, owned(null), TestPods.policy())).isEmpty();
    }

    @Test
    void anEditedImageIsReportedAsImageChangedOnly() {
      Pod both = new io.fabric8.kubernetes.api.model.PodBuilder(repulled).editSpec().editContainer(0)
          .withImage("nginx:1.28").endContainer().endSpec().build();
      assertThat(detect(both, owned(BASELINE), TestPods.policy())).extracting(Finding::reason)
          .containsExactly(DriftReason.ImageChanged);
    }

    @Test
    void aPinnedDigestIsComparedWithTheRunningOne() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.setImages(List.of(new ImagePin("app", "nginx@" + DIGEST_B)));
      assertThat(detect(TestPods.pod(), owned(BASELINE), policy)).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.ImageDigestChanged);
        assertThat(f.message()).contains("pinned by the policy");
      });
    }

    @Test
    void aMatchingPinWinsOverAChangedBaseline() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.setImages(List.of(new ImagePin("app", "nginx@" + DIGEST_B)));
      assertThat(detect(repulled, owned(BASELINE), policy)).isEmpty();
    }

    @Test
    void aContainerThatReportedNoDigestYetIsSkipped() {
      Pod starting = TestPods.running().editStatus().editContainerStatus(0).withImageID("").endContainerStatus()
          .endStatus().build();
      assertThat(detect(starting, owned(BASELINE), TestPods.policy())).isEmpty();
    }

    @Test
    void excludedContainersAreIgnored() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getExclude().setContainers(List.of("app"));
      assertThat(detect(repulled, owned(BASELINE), policy)).isEmpty();
    }
  }

  @Nested
  class ConfigChanged {
    private final Pod consumer = TestPods.running().editSpec()
        .addNewVolume().withName("cfg").withNewConfigMap().withName("app-config").endConfigMap().endVolume()
        .editContainer(0).addNewVolumeMount().withName("cfg").withMountPath("/etc/app").endVolumeMount()
        .addNewEnvFrom().withNewSecretRef().withName("app-secret").endSecretRef().endEnvFrom().endContainer()
        .endSpec().build();
    private final Baseline baseline = new Baseline(Map.of("app", "nginx:1.27"), Map.of("app", DIGEST_A),
        Map.of("ConfigMap/app-config", "sha256:1", "Secret/app-secret", "sha256:2"), NOW);

    private DeclaredState now(Map<String, String> hashes) {
      return new DeclaredState(Map.of("app", "nginx:1.27"), baseline, hashes);
    }

    @Test
    void unchangedContentIsNoDrift() {
      assertThat(detect(consumer, now(Map.of("ConfigMap/app-config", "sha256:1", "Secret/app-secret", "sha256:2")),
          TestPods.policy())).isEmpty();
    }

    @Test
    void aChangedConfigMapIsDriftNamingItAndItsConsumers() {
      assertThat(detect(consumer, now(Map.of("ConfigMap/app-config", "sha256:9", "Secret/app-secret", "sha256:2")),
          TestPods.policy())).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(DriftReason.ConfigChanged);
            assertThat(f.container()).isEqualTo("app");
            assertThat(f.message()).isEqualTo("ConfigMap app-config changed since the pod started");
          });
    }

    @Test
    void aChangedSecretIsDriftAndItsHashIsTheOnlyTrace() {
      assertThat(detect(consumer, now(Map.of("ConfigMap/app-config", "sha256:1", "Secret/app-secret", "sha256:7")),
          TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).isEqualTo("Secret app-secret changed since the pod started"));
    }

    @Test
    void aDeletedConfigMapIsDrift() {
      assertThat(detect(consumer, now(Map.of("Secret/app-secret", "sha256:2")), TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("was deleted"));
    }

    @Test
    void aConfigMapCreatedAfterThePodStartedIsDrift() {
      Baseline missingThen = new Baseline(baseline.images(), baseline.imageDigests(),
          Map.of("ConfigMap/app-config", "", "Secret/app-secret", "sha256:2"), NOW);
      DeclaredState declared = new DeclaredState(Map.of("app", "nginx:1.27"), missingThen,
          Map.of("ConfigMap/app-config", "sha256:1", "Secret/app-secret", "sha256:2"));
      assertThat(detect(consumer, declared, TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("was created"));
    }

    @Test
    void aBaselineRecordedBeforeHashesWereKeyedComparesWithTheUnkeyedHash() {
      Baseline legacy = new Baseline(Map.of("app", "nginx:1.27"), Map.of("app", DIGEST_A),
          Map.of("ConfigMap/app-config", "sha256:old", "Secret/app-secret", "sha256:2"), NOW);
      Map<String, String> keyed = Map.of("ConfigMap/app-config", "hmac-sha256:x", "Secret/app-secret", "hmac-sha256:y");
      DeclaredState same = new DeclaredState(Map.of("app", "nginx:1.27"), legacy, keyed, "ReplicaSet", false,
          Map.of("ConfigMap/app-config", "sha256:old", "Secret/app-secret", "sha256:2"));
      assertThat(detect(consumer, same, TestPods.policy())).isEmpty();
      DeclaredState changed = new DeclaredState(Map.of("app", "nginx:1.27"), legacy, keyed, "ReplicaSet", false,
          Map.of("ConfigMap/app-config", "sha256:new", "Secret/app-secret", "sha256:2"));
      assertThat(detect(consumer, changed, TestPods.policy())).singleElement()
          .satisfies(f -> assertThat(f.message()).contains("ConfigMap app-config changed"));
    }

    @Test
    void aPodItsDeploymentIsRollingOutIsLeftToTheRollout() {
      DeclaredState rollingOut = new DeclaredState(Map.of("app", "nginx:1.27"), baseline,
          Map.of("ConfigMap/app-config", "sha256:changed", "Secret/app-secret", "sha256:2"), "ReplicaSet", true);
      assertThat(detect(consumer, rollingOut, TestPods.policy())).isEmpty();
    }

    @Test
    void withoutBaselineNothingIsCompared() {
      assertThat(detect(consumer, new DeclaredState(Map.of("app", "nginx:1.27"), null, Map.of()), TestPods.policy()))
          .isEmpty();
    }

    @Test
    void offWhenConfigDetectionIsOff() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getDetect().setConfig(false);
      assertThat(detect(consumer, now(Map.of()), policy)).isEmpty();
    }

    @Test
    void configConsumedOnlyByExcludedContainersIsIgnored() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getExclude().setContainers(List.of("app"));
      assertThat(detect(consumer, now(Map.of()), policy)).isEmpty();
    }
  }

  @Nested
  class EphemeralContainer {
    private final Pod debugged = TestPods.running().editSpec().addNewEphemeralContainer().withName("debugger")
        .withImage("busybox").endEphemeralContainer().endSpec().build();

    @Test
    void aDebugContainerIsDrift() {
      assertThat(detect(debugged, owned(BASELINE), TestPods.policy())).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.EphemeralContainer);
        assertThat(f.container()).isEqualTo("debugger");
        assertThat(f.message()).contains("busybox");
      });
    }

    @Test
    void offWhenEphemeralDetectionIsOff() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getDetect().setEphemeralContainers(false);
      assertThat(detect(debugged, owned(BASELINE), policy)).isEmpty();
    }

    @Test
    void excludedNamesAreIgnored() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getExclude().setContainers(List.of("debugger"));
      assertThat(detect(debugged, owned(BASELINE), policy)).isEmpty();
    }
  }

  @Nested
  class WritableRootFilesystem {
    private ImmutabilityPolicySpec requiring() {
      ImmutabilityPolicySpec policy = TestPods.policy();
      policy.getRootFilesystem().setRequireReadOnly(true);
      return policy;
    }

    @Test
    void aContainerWithoutReadOnlyRootIsDriftWhenRequired() {
      assertThat(detect(TestPods.pod(), owned(BASELINE), requiring())).singleElement().satisfies(f -> {
        assertThat(f.reason()).isEqualTo(DriftReason.WritableRootFilesystem);
        assertThat(f.container()).isEqualTo("app");
      });
    }

    @Test
    void readOnlyFalseIsDriftToo() {
      Pod pod = TestPods.running().editSpec().editContainer(0).withNewSecurityContext()
          .withReadOnlyRootFilesystem(false).endSecurityContext().endContainer().endSpec().build();
      assertThat(detect(pod, owned(BASELINE), requiring())).hasSize(1);
    }

    @Test
    void aReadOnlyRootIsFine() {
      Pod pod = TestPods.running().editSpec().editContainer(0).withNewSecurityContext()
          .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().endSpec().build();
      assertThat(detect(pod, owned(BASELINE), requiring())).isEmpty();
    }

    @Test
    void notRequiredByDefault() {
      assertThat(detect(TestPods.pod(), owned(BASELINE), TestPods.policy())).isEmpty();
    }

    @Test
    void offWhenRootFilesystemDetectionIsOff() {
      ImmutabilityPolicySpec policy = requiring();
      policy.getDetect().setRootFilesystem(false);
      assertThat(detect(TestPods.pod(), owned(BASELINE), policy)).isEmpty();
    }

    @Test
    void excludedContainersAreIgnored() {
      ImmutabilityPolicySpec policy = requiring();
      policy.getExclude().setContainers(List.of("app"));
      assertThat(detect(TestPods.pod(), owned(BASELINE), policy)).isEmpty();
    }
  }

  @Test
  void severalKindsOfDriftAreAllReported() {
    Pod pod = TestPods.running().editSpec().editContainer(0).withImage("nginx:1.28").endContainer()
        .addNewEphemeralContainer().withName("dbg").withImage("busybox").endEphemeralContainer().endSpec().build();
    ImmutabilityPolicySpec policy = TestPods.policy();
    policy.getRootFilesystem().setRequireReadOnly(true);
    assertThat(detect(pod, owned(BASELINE), policy)).extracting(Finding::reason).containsExactlyInAnyOrder(
        DriftReason.EphemeralContainer, DriftReason.ImageChanged, DriftReason.WritableRootFilesystem);
  }

  @Test
  void eventLikeReasonsAreNeverDerivedFromPodState() {
    assertThat(List.of(DriftReason.values())).filteredOn(DriftReason::isEvent)
        .containsExactlyInAnyOrder(DriftReason.ExecSession, DriftReason.AttachSession, DriftReason.RuntimeDrift);
  }
}
