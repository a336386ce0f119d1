package dev.immutability.operator.remediation;

import dev.immutability.operator.api.RecentFinding;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What remediation did per policy since the policy's status was last written: replacement counts to add to
 * {@code status.replacedPods}, actions to show in {@code status.recentFindings}, and pods whose replacement is
 * blocked. The policy reconciler takes these into the status; what it fails to write it hands back.
 * Blocks on a drifted pod end when the pod is no longer drifted; blocks on an owner (a replacement that never
 * became available, a bare pod that could not be recreated) end only when the remediator lifts them.
 */
public final class ReplacementLedger {
  private static final int MAX_ACTIONS = 50;

  /** A pod whose replacement is refused, e.g. by a PodDisruptionBudget. */
  public record Blocked(String pod, String reason, String message, Instant since) {}

  private static final class Entry {
    long replaced;
    final Deque<RecentFinding> actions = new ArrayDeque<>();
    final Map<String, Blocked> blocked = new ConcurrentHashMap<>();
    final Map<String, Blocked> ownerBlocks = new ConcurrentHashMap<>();
  }

  /** What a policy's status takes from the ledger at once. */
  public record Drained(long replaced, List<RecentFinding> actions) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** One pod replaced; {@code actions} says so for each of its findings. */
  public synchronized void replaced(String policyKey, String pod, List<RecentFinding> actions) {
    Entry entry = entry(policyKey);
    entry.replaced++;
    entry.blocked.remove(pod);
    actions.forEach(a -> addAction(entry, a));
  }

  public synchronized void actions(String policyKey, List<RecentFinding> actions) {
    Entry entry = entry(policyKey);
    actions.forEach(a -> addAction(entry, a));
  }

  public void blocked(String policyKey, Blocked blocked) {
    entry(policyKey).blocked.merge(blocked.pod(), blocked,
        (old, now) -> new Blocked(now.pod(), now.reason(), now.message(), old.since()));
  }

  /** Forgets blocked replacements of pods that are no longer drifted (reverted, deleted by someone else). */
  public void retainBlocked(String policyKey, Set<String> driftedPods) {
    entry(policyKey).blocked.keySet().retainAll(driftedPods);
  }

  /** The owner's pods are not replaced until it recovers; the pod named is the one whose replacement failed. */
  public void ownerBlocked(String policyKey, String ownerKey, Blocked blocked) {
    entry(policyKey).ownerBlocks.merge(ownerKey, blocked,
        (old, now) -> new Blocked(now.pod(), now.reason(), now.message(), old.since()));
  }

  /** How many owners of the policy are blocked now. */
  public int ownerBlocks(String policyKey) {
    return entry(policyKey).ownerBlocks.size();
  }

  public void ownerRecovered(String policyKey, String ownerKey) {
    entry(policyKey).ownerBlocks.remove(ownerKey);
  }

  public Optional<Blocked> oldestBlocked(String policyKey) {
    Entry entry = entry(policyKey);
    return Stream.concat(entry.blocked.values().stream(), entry.ownerBlocks.values().stream())
        .min((a, b) -> a.since().compareTo(b.since()));
  }

  public synchronized Drained drain(String policyKey) {
    Entry entry = entry(policyKey);
    Drained drained = new Drained(entry.replaced, new ArrayList<>(entry.actions));
    entry.replaced = 0;
    entry.actions.clear();
    return drained;
  }

  /** Hands back what a failed status write could not store. */
  public synchronized void restore(String policyKey, Drained drained) {
    Entry entry = entry(policyKey);
    entry.replaced += drained.replaced();
    drained.actions().forEach(a -> addAction(entry, a));
  }

  public void forget(String policyKey) {
    entries.remove(policyKey);
  }

  private Entry entry(String policyKey) {
    return entries.computeIfAbsent(policyKey, k -> new Entry());
  }

  private static void addAction(Entry entry, RecentFinding action) {
    entry.actions.addLast(action);
    while (entry.actions.size() > MAX_ACTIONS) {
      entry.actions.removeFirst();
    }
  }
}
