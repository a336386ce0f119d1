package dev.immutability.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the leader-election Lease back on shutdown, as client-go's ReleaseOnCancel does: the holder is cleared and
 * the lease made to expire at once, so a standby takes over on its next retry instead of waiting out the lease.
 * The write is conditional on the Lease's resourceVersion, so it never clears a newer holder.
 */
final class LeaseRelease {
  private static final Logger log = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  static void release(KubernetesClient client, String namespace, String name, String identity) {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
      client.resource(lease).update();
      log.info("released leadership Lease {}/{}", namespace, name);
    } catch (KubernetesClientException e) {
      log.warn("could not release Lease {}/{} (the standby takes over when it expires): {}", namespace, name,
          e.getMessage());
    }
  }
}
