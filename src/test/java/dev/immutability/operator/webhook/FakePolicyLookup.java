package dev.immutability.operator.webhook;

import dev.immutability.operator.api.ImmutabilityException;
import dev.immutability.operator.api.ImmutabilityPolicy;
import dev.immutability.operator.drift.PolicySelection;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Caches in memory: the pods, policies and exceptions a test puts in. */
final class FakePolicyLookup implements PolicyLookup {
  private final List<Pod> pods;
  private final List<ImmutabilityPolicy> policies;
  final List<ImmutabilityException> exceptions = new ArrayList<>();

  FakePolicyLookup(List<Pod> pods, List<ImmutabilityPolicy> policies) {
    this.pods = pods;
    this.policies = policies;
  }

  @Override
  public Optional<Pod> pod(String namespace, String name) {
    return pods.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
  }

  @Override
  public List<ImmutabilityPolicy> selecting(String namespace, Map<String, String> labels) {
    return PolicySelection.selecting(policies, labels);
  }

  @Override
  public List<ImmutabilityException> exceptions(String namespace, Map<String, String> labels) {
    return exceptions.stream().filter(e -> PolicySelection.matches(e.getSpec().getPodSelector(), labels)).toList();
  }
}
