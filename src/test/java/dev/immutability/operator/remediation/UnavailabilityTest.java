package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.drift.TestPods;
import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class UnavailabilityTest {

  private static Pod pod(String name, String ownerUid, String phase, boolean ready) {
    PodBuilder builder = TestPods.running().editMetadata().withName(name).withUid("uid-" + name).endMetadata()
        .editStatus().withPhase(phase).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
        .endCondition().endStatus();
    if (ownerUid != null) {
      builder.editMetadata().addNewOwnerReference().withKind("ReplicaSet").withName("web").withUid(ownerUid)
          .withController(true).endOwnerReference().endMetadata();
    }
    return builder.build();
  }

  /** The cache shows the pods given and no others. */
  private static Unavailability of(List<Pod> pods, Function<Pod, Optional<OwnerAvailability>> ownerAvailability) {
    return Unavailability.of(pods, ownerAvailability, owner -> pods.stream()
        .filter(p -> ClusterView.controllerOf(p).filter(o -> o.getUid().equals(owner)).isPresent()).toList(), NOW);
  }

  /** Out of service with no replacement in flight. */
  private static int count(List<Pod> pods, Function<Pod, Optional<OwnerAvailability>> ownerAvailability) {
    return of(pods, ownerAvailability).with(Map.of(), 0);
  }

  @Test
  void podsAnOwnerWantsAndLacksCountEvenWhenNoPodShowsIt() {
    List<Pod> pods = List.of(pod("a", "rs", "Running", true), pod("b", "rs", "Running", true));
    // The ReplicaSet wants 3 and has 2 available: the third pod was never created (quota, admission).
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(3, 2)))).isEqualTo(1);
  }

  @Test
  void unreadyPodsCountWhenTheOwnerStatusHasNotCaughtUp() {
    List<Pod> pods = List.of(pod("a", "rs", "Running", false), pod("b", "rs", "Running", false),
        pod("c", "rs", "Running", true));
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(3, 2)))).isEqualTo(2);
  }

  @Test
  void finishedPodsNeverCount() {
    List<Pod> pods = List.of(pod("failed", null, "Failed", false), pod("done", null, "Succeeded", false),
        pod("web", "rs", "Running", true));
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(1, 1)))).isZero();
  }

  @Test
  void aPodWithoutAKnownOwnerCountsWhenUnready() {
    List<Pod> pods = List.of(pod("bare", null, "Running", false), pod("other", "unknown", "Running", false));
    assertThat(count(pods, p -> Optional.empty())).isEqualTo(2);
  }

  private static final Instant STARTED = Instant.parse("2026-01-01T00:10:00.400Z");
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:30Z");

  private static Pod created(Pod pod, String time) {
    pod.getMetadata().setCreationTimestamp(time);
    return pod;
  }

  private static Map<String, List<Unavailability.Started>> replacing(String owner, String... oldPods) {
    return Map.of(owner, java.util.Arrays.stream(oldPods).map(p -> new Unavailability.Started("uid-" + p, STARTED))
        .toList());
  }

  @Test
  void aReplacementInFlightCountsWhileTheCacheStillShowsItsPodReady() {
    // Evicted, but neither the cache nor the owner's status has seen it yet.
    Unavailability cache = of(List.of(pod("a", "rs", "Running", true), pod("b", "rs", "Running", true),
        pod("c", "rs", "Running", true)), p -> Optional.of(new OwnerAvailability(3, 3)));
    assertThat(cache.with(Map.of(), 0)).isZero();
    assertThat(cache.with(replacing("rs", "c"), 0)).isEqualTo(1);
  }

  @Test
  void aPodGoneFromTheCacheCountsWhileTheOwnerStatusStillCountsIt() {
    // The evicted pod is gone from the cache, its replacement not there yet, and the owner's status not updated.
    Unavailability cache = of(List.of(pod("a", "rs", "Running", true), pod("b", "rs", "Running", true)),
        p -> Optional.of(new OwnerAvailability(3, 3)));
    assertThat(cache.with(Map.of(), 0)).isEqualTo(1);
    assertThat(cache.with(replacing("rs", "c"), 0)).isEqualTo(1);
    assertThat(cache.with(Map.of("rs", replacing("rs", "c").get("rs"), "other-rs", replacing("x", "d", "e").get("x")),
        1)).as("owners with no pod cached, bare pods").isEqualTo(4);
  }

  @Test
  void aReplacementTheCacheAlreadyShowsCountsOnce() {
    // The old pod is gone; its replacement, made after the eviction, is not ready yet.
    Unavailability cache = of(List.of(created(pod("new", "rs", "Running", false),
        "2026-01-01T00:10:00Z"), pod("b", "rs", "Running", true)), p -> Optional.of(new OwnerAvailability(2, 1)));
    assertThat(cache.with(replacing("rs", "old"), 0)).isEqualTo(1);
  }

  @Test
  void anUnreadyPodThatIsNoReplacementAddsToTheReplacementsInFlight() {
    // One pod has crashlooped for an hour; another is being replaced and the cache still shows it ready.
    Unavailability cache = of(List.of(created(pod("crashing", "rs", "Running", false),
        "2026-01-01T00:00:00Z"), pod("b", "rs", "Running", true), pod("c", "rs", "Running", true)),
        p -> Optional.of(new OwnerAvailability(3, 2)));
    assertThat(cache.with(replacing("rs", "b"), 0)).isEqualTo(2);
    // The pod being replaced turning unready is the same pod, not one more.
    Unavailability later = of(List.of(created(pod("crashing", "rs", "Running", false),
        "2026-01-01T00:00:00Z"), created(pod("b", "rs", "Running", false), "2026-01-01T00:00:00Z"),
        pod("c", "rs", "Running", true)), p -> Optional.of(new OwnerAvailability(3, 1)));
    assertThat(later.with(replacing("rs", "b"), 0)).isEqualTo(2);
  }

  @Test
  void eachReplacementFreesItsSlotOnceAPodIsReadyInItsPlace() {
    // Two of four pods evicted; one replacement is ready, the other not made yet; the owner has not recovered.
    Unavailability cache = of(List.of(created(pod("new", "rs", "Running", true), "2026-01-01T00:10:01Z"),
        pod("c", "rs", "Running", true), pod("d", "rs", "Running", true)),
        p -> Optional.of(new OwnerAvailability(4, 3)));
    assertThat(cache.with(replacing("rs", "a", "b"), 0)).isEqualTo(1);
    // Until the owner's status has seen the ready pod, it says what is missing.
    Unavailability statusBehind = of(List.of(created(pod("new", "rs", "Running", true), "2026-01-01T00:10:01Z"),
        pod("c", "rs", "Running", true), pod("d", "rs", "Running", true)),
        p -> Optional.of(new OwnerAvailability(4, 2)));
    assertThat(statusBehind.with(replacing("rs", "a", "b"), 0)).isEqualTo(2);
  }

  @Test
  void theOwnersPodsThePolicyDoesNotSelectCount() {
    List<Pod> selected = List.of(pod("a", "rs", "Running", true));
    List<Pod> all = List.of(pod("a", "rs", "Running", true), pod("unselected", "rs", "Running", false));
    Unavailability cache = Unavailability.of(selected, p -> Optional.of(new OwnerAvailability(2, 1)), owner -> all,
        NOW);
    assertThat(cache.with(Map.of(), 0)).isEqualTo(1);
    assertThat(cache.with(replacing("rs", "a"), 0)).as("and the one being replaced, still shown ready").isEqualTo(2);
  }

  @Test
  void aPodReadyForLessThanMinReadySecondsIsNotYetAvailable() {
    Pod fresh = pod("new", "rs", "Running", true);
    fresh.getStatus().getConditions().get(0).setLastTransitionTime("2026-01-01T00:10:25Z");
    Pod old = pod("b", "rs", "Running", true);
    old.getStatus().getConditions().get(0).setLastTransitionTime("2026-01-01T00:00:00Z");
    List<Pod> pods = List.of(fresh, old);
    // The owner's status has seen the new pod ready already; the owner wants 10 s of it.
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(2, 2, 10)))).isEqualTo(1);
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(2, 2, 5)))).isZero();
  }

  @Test
  void surplusReadyPodsNeverHideUnreadyOnes() {
    // A scale-down under way: three ready pods for two wanted, and a selected pod that is not ready.
    List<Pod> pods = List.of(pod("a", "rs", "Running", true), pod("b", "rs", "Running", true),
        pod("c", "rs", "Running", true), pod("d", "rs", "Running", false));
    assertThat(count(pods, p -> Optional.of(new OwnerAvailability(2, 3)))).isEqualTo(1);
  }

  @Test
  void ownerAvailabilityFromEachKindsStatus() {
    assertThat(OwnerAvailability.of(new ReplicaSetBuilder().withNewSpec().withReplicas(3).endSpec()
        .withNewStatus().withReplicas(3).withAvailableReplicas(1).endStatus().build()))
        .hasValue(new OwnerAvailability(3, 1));
    assertThat(OwnerAvailability.of(new StatefulSetBuilder().withNewSpec().withReplicas(2).endSpec().build()))
        .as("no status yet: nothing available").hasValue(new OwnerAvailability(2, 0));
    assertThat(OwnerAvailability.of(new DaemonSetBuilder().withNewSpec().endSpec().withNewStatus()
        .withDesiredNumberScheduled(4).withNumberAvailable(3).withCurrentNumberScheduled(4)
        .withNumberMisscheduled(0).withNumberReady(3).endStatus().build()))
        .hasValueSatisfying(a -> assertThat(a.missing()).isEqualTo(1));
    assertThat(new OwnerAvailability(3, 3).recovered()).isTrue();
  }
}
