package dev.immutability.operator.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FindingsTest {
  private static final Instant EARLY = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATE = Instant.parse("2026-01-01T01:00:00Z");

  private static Finding image(Instant at, String policy) {
    return Finding.of(DriftReason.ImageChanged, "app", "image x differs", at).withPolicies(List.of(policy));
  }

  @Test
  void aFindingSeenAgainKeepsTheTimeItWasFirstDetected() {
    List<Finding> merged = Findings.merge(List.of(image(EARLY, "p")), List.of(image(LATE, "p")));
    assertThat(merged).singleElement().satisfies(f -> assertThat(f.detectedAt()).isEqualTo(EARLY));
    assertThat(Findings.same(List.of(image(EARLY, "p")), merged)).isTrue();
  }

  @Test
  void stateFindingsNoLongerDetectedAreDropped() {
    assertThat(Findings.merge(List.of(image(EARLY, "p")), List.of())).isEmpty();
  }

  @Test
  void eventFindingsStayUntilThePodIsReplaced() {
    Finding exec = Finding.of(DriftReason.ExecSession, "app", "alice ran sh", EARLY).withPolicies(List.of("p"));
    assertThat(Findings.merge(List.of(exec), List.of())).containsExactly(exec);
  }

  @Test
  void theSameDriftFromTwoPoliciesIsOneFindingNamingBoth() {
    List<Finding> merged = Findings.merge(List.of(), List.of(image(LATE, "b"), image(LATE, "a")));
    assertThat(merged).singleElement().satisfies(f -> assertThat(f.policies()).containsExactly("a", "b"));
  }

  @Test
  void aNewPolicyNamingAKnownFindingIsAChange() {
    List<Finding> before = List.of(image(EARLY, "a"));
    List<Finding> after = Findings.merge(before, List.of(image(LATE, "a"), image(LATE, "b")));
    assertThat(Findings.same(before, after)).isFalse();
    assertThat(Findings.added(before, after)).isEmpty();
  }

  @Test
  void addedListsOnlyNewKeys() {
    Finding digest = Finding.of(DriftReason.ImageDigestChanged, "app", "digest moved", LATE);
    assertThat(Findings.added(List.of(image(EARLY, "p")), List.of(image(EARLY, "p"), digest))).containsExactly(digest);
  }

  @Test
  void mergedFindingsAreOrderedByDetectionTime() {
    Finding later = Finding.of(DriftReason.ConfigChanged, "app", "ConfigMap c changed", LATE);
    Finding earlier = Finding.of(DriftReason.ExecSession, "app", "sh", EARLY);
    assertThat(Findings.merge(List.of(earlier), List.of(later))).containsExactly(earlier, later);
  }

  @Test
  void namesOfPoliciesThatNoLongerSelectThePodAreDroppedAndSoAreTheirOnlyFindings() {
    Finding shared = image(EARLY, "a").withPolicies(List.of("b"));
    Finding onlyB = Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", EARLY).withPolicies(List.of("b"));
    assertThat(Findings.retainPolicies(List.of(shared, onlyB), List.of("a"))).singleElement().satisfies(f -> {
      assertThat(f.key()).isEqualTo(shared.key());
      assertThat(f.policies()).containsExactly("a");
      assertThat(f.detectedAt()).isEqualTo(EARLY);
    });
    assertThat(Findings.retainPolicies(List.of(shared, onlyB), List.of("a", "b"))).containsExactly(shared, onlyB);
    assertThat(Findings.retainPolicies(List.of(shared, onlyB), List.of())).isEmpty();
  }

  @Test
  void theFindingsNamingAPolicyAreTheDriftItLooksFor() {
    Finding byA = image(EARLY, "a");
    Finding byB = Finding.of(DriftReason.ConfigChanged, "app", "ConfigMap c changed", EARLY).withPolicies(List.of("b"));
    Finding byBoth = Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", EARLY)
        .withPolicies(List.of("a", "b"));
    assertThat(Findings.namingPolicy(List.of(byA, byB, byBoth), "b")).containsExactly(byB, byBoth);
    assertThat(Findings.namingPolicy(List.of(byA, byB, byBoth), "c")).isEmpty();
  }

  @Test
  void aSessionHeardUnauthenticatedStaysSoWhenItsPoliciesAreNarrowed() {
    Finding session = Finding.of(DriftReason.ExecSession, "app", "alice ran [sh]", Instant.parse("2026-01-01T00:00:00Z"))
        .withPolicies(List.of("a", "b")).heardUnauthenticated();
    assertThat(Findings.retainPolicies(List.of(session), List.of("a"))).singleElement().satisfies(f -> {
      assertThat(f.policies()).containsExactly("a");
      assertThat(f.unauthenticated()).isTrue();
    });
  }

  @Test
  void aHugeMessageIsCutAndStillIdentifiesTheWholeCommand() {
    String command = "x".repeat(300_000);
    Finding finding = Finding.of(DriftReason.ExecSession, "app", "alice ran [" + command + "]",
        Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(finding.message()).hasSize(Finding.MAX_MESSAGE).contains("300012 characters, sha256:");
    Finding other = Finding.of(DriftReason.ExecSession, "app", "alice ran [" + command + "y]",
        Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(other.key()).as("a different command stays a different finding").isNotEqualTo(finding.key());
    assertThat(Finding.of(DriftReason.ExecSession, "app", "short", Instant.EPOCH).message()).isEqualTo("short");
  }

  @Test
  void onlyTheNewestSessionsOfAReasonStayOnThePod() {
    List<Finding> findings = List.of(Finding.of(DriftReason.ImageChanged, "app", "edited", Instant.EPOCH));
    for (int i = 0; i < 25; i++) {
      findings = Findings.withEvent(findings, Finding.of(DriftReason.ExecSession, "app", "ran " + i,
          Instant.EPOCH.plusSeconds(i + 1)));
    }
    assertThat(findings).filteredOn(f -> f.reason() == DriftReason.ExecSession).hasSize(Findings.MAX_EVENTS_PER_REASON)
        .extracting(Finding::message).first().isEqualTo("ran 15");
    assertThat(findings).anySatisfy(f -> assertThat(f.reason()).isEqualTo(DriftReason.ImageChanged));
    assertThat(Findings.withEvent(findings, findings.get(findings.size() - 1))).as("already recorded").isNull();
    assertThat(Findings.merge(findings, List.of())).isEqualTo(findings.stream()
        .filter(f -> f.reason().isEvent()).toList());
  }
}
