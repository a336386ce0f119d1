package dev.immutability.operator.reports;

/** What the reporter needs to know of the cluster, from the operator's caches. */
public interface ReportedCluster {
  /** Whether the cache holds the pod "namespace/name" with this uid. */
  boolean hasPod(String namespaceAndName, String uid);

  /** Whether the namespace holds a policy: its report stays, even with no results. */
  boolean hasPolicies(String namespace);

  /** Whether the caches have been filled once: before that, a namespace without policies may just not be seen yet. */
  boolean isSynced();
}
