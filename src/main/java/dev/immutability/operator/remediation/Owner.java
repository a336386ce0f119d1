package dev.immutability.operator.remediation;

import dev.immutability.operator.observe.ClusterView;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Whose pods a replacement concerns: the pod's controller (by UID, so a new ReplicaSet is a new owner), or, for a
 * pod without one, the pod's name, since its recreation keeps the name.
 *
 * @param description for people: {@code ReplicaSet web-5d4f} or {@code pod shop/debug}
 */
record Owner(String key, String description) {

  static Owner of(Pod pod) {
    return ClusterView.controllerOf(pod)
        .map(o -> new Owner(o.getUid(), o.getKind() + " " + o.getName()))
        .orElseGet(() -> ofBarePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName()));
  }

  static Owner ofBarePod(String namespace, String name) {
    return new Owner("pod/" + namespace + "/" + name, "pod " + name);
  }
}
