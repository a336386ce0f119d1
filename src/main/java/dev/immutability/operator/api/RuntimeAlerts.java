package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Which runtime (Falco) alerts count as drift for the policy's pods. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class RuntimeAlerts {
  @Size(max = 64)
  @JsonPropertyDescription("Falco rule names whose alerts are expected for these pods and never count as drift, "
      + "e.g. a rule that fires on every start of the workload.")
  private List<String> allowedRules = new ArrayList<>();

  @Default("Warning")
  @JsonPropertyDescription("Alerts below this Falco priority are ignored: Emergency, Alert, Critical, Error, "
      + "Warning, Notice, Informational or Debug.")
  private AlertPriority minimumPriority = AlertPriority.Warning;

  public List<String> getAllowedRules() {
    return allowedRules;
  }

  public void setAllowedRules(List<String> allowedRules) {
    this.allowedRules = allowedRules;
  }

  public AlertPriority getMinimumPriority() {
    return minimumPriority;
  }

  public void setMinimumPriority(AlertPriority minimumPriority) {
    this.minimumPriority = minimumPriority;
  }

  /** Whether an alert of this rule and priority (as Falco spells it, any case) counts as drift. */
  public boolean counts(String rule, String priority) {
    return !allowedRules.contains(rule) && AlertPriority.parse(priority).isAtLeast(minimumPriority);
  }
}
