package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public class ImmutabilityExceptionSpec {
  /** The drift reasons an exception can name; kept equal to the operator's DriftReason (a unit test checks). */
  public static final List<String> REASONS = List.of("ExecSession", "AttachSession", "EphemeralContainer",
      "ImageChanged", "ImageDigestChanged", "ConfigChanged", "WritableRootFilesystem", "RuntimeDrift");

  @Required
  @SchemaFrom(type = SelectorSchema.class)
  @JsonPropertyDescription("Pods of the exception's namespace it applies to. Must not be empty.")
  @ValidationRule(value = "(has(self.matchLabels) && size(self.matchLabels) > 0) || "
      + "(has(self.matchExpressions) && size(self.matchExpressions) > 0)",
      message = "spec.podSelector must set matchLabels or matchExpressions: an exception for every pod in the "
          + "namespace is not an exception")
  private LabelSelector podSelector;

  @Size(max = 8)
  @JsonPropertyDescription("Drift reasons excepted: ExecSession, AttachSession, EphemeralContainer, ImageChanged, "
      + "ImageDigestChanged, ConfigChanged, WritableRootFilesystem, RuntimeDrift. Empty means all.")
  @ValidationRule(value = "self.all(r, r in ['ExecSession', 'AttachSession', 'EphemeralContainer', 'ImageChanged', "
      + "'ImageDigestChanged', 'ConfigChanged', 'WritableRootFilesystem', 'RuntimeDrift'])",
      message = "spec.reasons must name drift reasons: ExecSession, AttachSession, EphemeralContainer, ImageChanged, "
          + "ImageDigestChanged, ConfigChanged, WritableRootFilesystem or RuntimeDrift")
  private List<@Size(max = 32) String> reasons = new ArrayList<>();

  @Required
  @JsonPropertyDescription("When the exception stops applying, e.g. 2026-01-01T12:00:00Z; at most 7 days after it "
      + "was created, whatever is set here.")
  private Instant expiresAt;

  @Required
  @Size(min = 10, max = 1024)
  @JsonPropertyDescription("Why the exception is needed, e.g. an incident number; shown in Events.")
  private String justification;

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  public List<String> getReasons() {
    return reasons;
  }

  public void setReasons(List<String> reasons) {
    this.reasons = reasons;
  }

  public Instant getExpiresAt() {
    return expiresAt;
  }

  public void setExpiresAt(Instant expiresAt) {
    this.expiresAt = expiresAt;
  }

  public String getJustification() {
    return justification;
  }

  public void setJustification(String justification) {
    this.justification = justification;
  }
}
