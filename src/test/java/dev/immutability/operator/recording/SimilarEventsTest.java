package dev.immutability.operator.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.recording.SimilarEvents.Verdict;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimilarEventsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Event event(String objectUid, String reason, String message) {
    return new EventBuilder().withNewMetadata().withNamespace("ns").endMetadata().withNewInvolvedObject()
        .withUid(objectUid).withKind("ImmutabilityPolicy").withName("policy").endInvolvedObject().withType("Normal")
        .withReason(reason).withMessage(message).build();
  }

  private static List<Verdict> offer(SimilarEvents similar, String reason, int count, Instant at) {
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      verdicts.add(similar.offer(event("policy-uid", reason, "pod " + i + ": replaced"), at));
    }
    return verdicts;
  }

  @Test
  void theFirstTenGoOutAloneAndTheRestAreCombinedWithOneFlush() {
    SimilarEvents similar = new SimilarEvents();
    List<Verdict> verdicts = offer(similar, "PodReplaced", 100, T0);
    assertThat(verdicts.subList(0, SimilarEvents.LIMIT)).containsOnly(Verdict.SEND);
    assertThat(verdicts.get(SimilarEvents.LIMIT)).isEqualTo(Verdict.FOLD_AND_FLUSH);
    assertThat(verdicts.subList(SimilarEvents.LIMIT + 1, 100)).containsOnly(Verdict.FOLD);

    SimilarEvents.Key key = new SimilarEvents.Key("policy-uid", "Normal", "PodReplaced");
    SimilarEvents.Flush flush = similar.take(key).orElseThrow();
    assertThat(flush.name()).as("created on the first flush").isNull();
    assertThat(flush.count()).isEqualTo(90);
    assertThat(flush.latest().getMessage()).isEqualTo("pod 99: replaced");
    assertThat(similar.written(key, "policy.combined")).as("nothing folded meanwhile").isFalse();
  }

  @Test
  void laterFoldsUpdateTheCombinedEventWithTheWholeCount() {
    SimilarEvents similar = new SimilarEvents();
    SimilarEvents.Key key = new SimilarEvents.Key("policy-uid", "Normal", "PodReplaced");
    offer(similar, "PodReplaced", 15, T0);
    similar.take(key).orElseThrow();
    // Folded while the first flush was being written: the writer flushes again.
    assertThat(offer(similar, "PodReplaced", 3, T0)).containsOnly(Verdict.FOLD);
    assertThat(similar.written(key, "policy.combined")).isTrue();
    SimilarEvents.Flush second = similar.take(key).orElseThrow();
    assertThat(second.name()).isEqualTo("policy.combined");
    assertThat(second.count()).isEqualTo(8);
    assertThat(similar.written(key, "policy.combined")).isFalse();
    assertThat(offer(similar, "PodReplaced", 1, T0)).as("a new flush is due").containsOnly(Verdict.FOLD_AND_FLUSH);
  }

  @Test
  void aFailedCreateIsRetriedWithTheCountSoFar() {
    SimilarEvents similar = new SimilarEvents();
    SimilarEvents.Key key = new SimilarEvents.Key("policy-uid", "Normal", "PodReplaced");
    offer(similar, "PodReplaced", 12, T0);
    similar.take(key).orElseThrow();
    offer(similar, "PodReplaced", 1, T0);
    assertThat(similar.written(key, null)).isTrue();
    SimilarEvents.Flush retry = similar.take(key).orElseThrow();
    assertThat(retry.name()).isNull();
    assertThat(retry.count()).isEqualTo(3);
  }

  @Test
  void otherReasonsObjectsAndLaterWindowsCountOnTheirOwn() {
    SimilarEvents similar = new SimilarEvents();
    offer(similar, "PodReplaced", SimilarEvents.LIMIT, T0);
    assertThat(offer(similar, "DriftDetected", 1, T0)).containsOnly(Verdict.SEND);
    assertThat(similar.offer(event("other-policy", "PodReplaced", "pod 1: replaced"), T0)).isEqualTo(Verdict.SEND);
    assertThat(offer(similar, "PodReplaced", 1, T0.plus(SimilarEvents.WINDOW))).containsOnly(Verdict.SEND);
  }
}
