package dev.immutability.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Selects pods in its namespace and says which drift to look for and what to do about it. */
@Group("immutability.dev")
@Version("v1alpha1")
@ShortNames("impol")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Matched", jsonPath = ".status.matchedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Drifted", jsonPath = ".status.driftedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Replaced", jsonPath = ".status.replacedPods", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Compliant", jsonPath = ".status.conditions[?(@.type==\"Compliant\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ImmutabilityPolicy extends CustomResource<ImmutabilityPolicySpec, ImmutabilityPolicyStatus>
    implements Namespaced {

  public static final String GROUP = "immutability.dev";

  @Override
  protected ImmutabilityPolicySpec initSpec() {
    return new ImmutabilityPolicySpec();
  }

  @Override
  protected ImmutabilityPolicyStatus initStatus() {
    return new ImmutabilityPolicyStatus();
  }
}
