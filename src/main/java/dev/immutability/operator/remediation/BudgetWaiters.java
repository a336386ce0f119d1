package dev.immutability.operator.remediation;

import dev.immutability.operator.api.ImmutabilityPolicy;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Drifted pods waiting, per policy and oldest first, for a slot of the policy's maxUnavailable. They are woken as
 * soon as an owner's status says pods became available, rather than on a timer: that is what keeps a replacement
 * wave as quick as the controller's own rollout.
 */
final class BudgetWaiters {
  private static final class Queue {
    volatile ImmutabilityPolicy policy;
    final LinkedHashSet<ResourceID> pods = new LinkedHashSet<>();

    Queue(ImmutabilityPolicy policy) {
      this.policy = policy;
    }
  }

  private final Map<String, Queue> byPolicy = new ConcurrentHashMap<>();

  void waiting(String policyKey, ImmutabilityPolicy policy, ResourceID pod) {
    Queue queue = byPolicy.computeIfAbsent(policyKey, k -> new Queue(policy));
    queue.policy = policy;
    synchronized (queue) {
      queue.pods.add(pod);
    }
  }

  void done(String policyKey, ResourceID pod) {
    Queue queue = byPolicy.get(policyKey);
    if (queue != null) {
      synchronized (queue) {
        queue.pods.remove(pod);
      }
    }
  }

  /** The policies of the namespace that have pods waiting. */
  List<ImmutabilityPolicy> policiesWaitingIn(String namespace) {
    List<ImmutabilityPolicy> policies = new ArrayList<>();
    byPolicy.values().forEach(queue -> {
      synchronized (queue) {
        if (!queue.pods.isEmpty() && namespace.equals(queue.policy.getMetadata().getNamespace())) {
          policies.add(queue.policy);
        }
      }
    });
    return policies;
  }

  /** Takes up to {@code count} of the policy's longest-waiting pods off the queue. */
  List<ResourceID> take(String policyKey, int count) {
    Queue queue = byPolicy.get(policyKey);
    List<ResourceID> taken = new ArrayList<>();
    if (queue == null) {
      return taken;
    }
    synchronized (queue) {
      Iterator<ResourceID> oldest = queue.pods.iterator();
      while (taken.size() < count && oldest.hasNext()) {
        taken.add(oldest.next());
        oldest.remove();
      }
    }
    return taken;
  }

  void forget(String policyKey) {
    byPolicy.remove(policyKey);
  }
}
