package dev.immutability.operator.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.immutability.operator.api.ImmutabilityPolicy;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

class BudgetWaitersTest {
  private static ImmutabilityPolicy policy(String namespace, String name) {
    ImmutabilityPolicy policy = new ImmutabilityPolicy();
    policy.getMetadata().setNamespace(namespace);
    policy.getMetadata().setName(name);
    return policy;
  }

  private static ResourceID pod(String name) {
    return new ResourceID(name, "shop");
  }

  @Test
  void theLongestWaitingPodsAreTakenFirstAndOnlyAsManyAsAsked() {
    BudgetWaiters waiters = new BudgetWaiters();
    ImmutabilityPolicy web = policy("shop", "web");
    waiters.waiting("shop/web", web, pod("a"));
    waiters.waiting("shop/web", web, pod("b"));
    waiters.waiting("shop/web", web, pod("a"));
    waiters.waiting("shop/web", web, pod("c"));

    assertThat(waiters.take("shop/web", 2)).containsExactly(pod("a"), pod("b"));
    assertThat(waiters.take("shop/web", 0)).isEmpty();
    assertThat(waiters.take("shop/web", -3)).isEmpty();
    assertThat(waiters.take("shop/web", 5)).containsExactly(pod("c"));
    assertThat(waiters.policiesWaitingIn("shop")).isEmpty();
  }

  @Test
  void onlyPoliciesOfTheNamespaceWithPodsWaitingAreWoken() {
    BudgetWaiters waiters = new BudgetWaiters();
    ImmutabilityPolicy web = policy("shop", "web");
    waiters.waiting("shop/web", web, pod("a"));
    waiters.waiting("shop/api", policy("shop", "api"), pod("b"));
    waiters.waiting("blog/web", policy("blog", "web"), pod("c"));
    waiters.done("shop/api", pod("b"));

    assertThat(waiters.policiesWaitingIn("shop")).containsExactly(web);
    waiters.forget("shop/web");
    assertThat(waiters.policiesWaitingIn("shop")).isEmpty();
    assertThat(waiters.policiesWaitingIn("blog")).extracting(p -> p.getMetadata().getName()).containsExactly("web");
  }
}
