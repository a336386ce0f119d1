package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.RecentFinding;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplacementLedgerTest {
  private final ReplacementLedger ledger = new ReplacementLedger();

  private static RecentFinding replaced(String reason) {
    return new RecentFinding("web-1", "app", reason, "m", "2026-01-01T00:00:00Z", "Replaced");
  }

  private static ReplacementLedger.Blocked blocked(String pod) {
    return new ReplacementLedger.Blocked(pod, "EvictionBlocked", "budget", Instant.EPOCH);
  }

  @Test
  void aReplacementCountsOnceAndMarksEveryFindingOfThePod() {
    ledger.replaced("shop/web", "web-1", List.of(replaced("ImageChanged"), replaced("ConfigChanged")));
    ReplacementLedger.Drained drained = ledger.drain("shop/web");
    assertThat(drained.replaced()).isEqualTo(1);
    assertThat(drained.actions()).extracting(RecentFinding::getReason).containsExactly("ImageChanged", "ConfigChanged");
    assertThat(ledger.drain("shop/web").replaced()).as("drained once").isZero();
  }

  @Test
  void whatAFailedStatusWriteCouldNotStoreIsHandedBack() {
    ledger.replaced("shop/web", "web-1", List.of(replaced("ImageChanged")));
    ledger.restore("shop/web", ledger.drain("shop/web"));
    assertThat(ledger.drain("shop/web").replaced()).isEqualTo(1);
  }

  @Test
  void aBlockIsLiftedByTheReplacementOrWhenThePodIsNoLongerDrifted() {
    ledger.blocked("shop/web", blocked("web-1"));
    ledger.blocked("shop/web", blocked("web-2"));
    ledger.replaced("shop/web", "web-1", List.of(replaced("ImageChanged")));
    assertThat(ledger.oldestBlocked("shop/web")).hasValueSatisfying(b -> assertThat(b.pod()).isEqualTo("web-2"));
    ledger.retainBlocked("shop/web", Set.of("web-3"));
    assertThat(ledger.oldestBlocked("shop/web")).isEmpty();
  }

  @Test
  void anOwnerBlockOutlivesThePodAndEndsWhenTheOwnerRecovers() {
    ledger.ownerBlocked("shop/web", "rs-uid", new ReplacementLedger.Blocked("web-1", "ReplacementTimedOut", "late",
        Instant.EPOCH));
    ledger.retainBlocked("shop/web", Set.of());
    assertThat(ledger.oldestBlocked("shop/web")).hasValueSatisfying(b -> assertThat(b.reason())
        .isEqualTo("ReplacementTimedOut"));
    assertThat(ledger.ownerBlocks("shop/web")).isEqualTo(1);
    ledger.ownerRecovered("shop/web", "rs-uid");
    assertThat(ledger.oldestBlocked("shop/web")).isEmpty();
  }
}
