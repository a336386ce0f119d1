package dev.immutability.operator.reports;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * A report API the operator writes to, where its CRD is installed.
 *
 * @param reportSource whether the report itself (not only each result) names its source
 */
public record ReportApi(String group, String version, String kind, String plural, boolean reportSource) {
  /** The API Policy Reporter and Kyverno read. */
  public static final ReportApi WG_POLICY =
      new ReportApi("wgpolicyk8s.io", "v1alpha2", "PolicyReport", "policyreports", false);
  /** Its successor. */
  public static final ReportApi OPEN_REPORTS = new ReportApi("openreports.io", "v1alpha1", "Report", "reports", true);

  public String apiVersion() {
    return group + "/" + version;
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }
}
