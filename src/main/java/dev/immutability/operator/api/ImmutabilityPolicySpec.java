package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

public class ImmutabilityPolicySpec {

  @Required
  @JsonPropertyDescription("Pods of the policy's namespace this policy applies to. Must not be empty.")
  @ValidationRule(value = "(has(self.matchLabels) && size(self.matchLabels) > 0) || "
      + "(has(self.matchExpressions) && size(self.matchExpressions) > 0)",
      message = "spec.selector must set matchLabels or matchExpressions: an empty selector would select every pod "
          + "in the namespace")
  private LabelSelector selector;

  @Default("Remediate")
  @JsonPropertyDescription("Audit records drift; Remediate also replaces drifted pods; Enforce also denies "
      + "exec, attach, debug containers and writable root filesystems at admission.")
  private Mode mode = Mode.Remediate;

  @Default("{}")
  @JsonPropertyDescription("Which kinds of drift to look for; all are on by default.")
  private Detect detect = new Detect();

  @Size(max = 64)
  @JsonPropertyDescription("Images pinned by digest, per container name; a running digest that differs is drift.")
  private List<ImagePin> images = new ArrayList<>();

  @Default("{}")
  private RootFilesystem rootFilesystem = new RootFilesystem();

  @Default("{}")
  private Remediation remediation = new Remediation();

  @Default("{}")
  private Exclude exclude = new Exclude();

  public LabelSelector getSelector() {
    return selector;
  }

  public void setSelector(LabelSelector selector) {
    this.selector = selector;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public Detect getDetect() {
    return detect;
  }

  public void setDetect(Detect detect) {
    this.detect = detect;
  }

  public List<ImagePin> getImages() {
    return images;
  }

  public void setImages(List<ImagePin> images) {
    this.images = images;
  }

  public RootFilesystem getRootFilesystem() {
    return rootFilesystem;
  }

  public void setRootFilesystem(RootFilesystem rootFilesystem) {
    this.rootFilesystem = rootFilesystem;
  }

  public Remediation getRemediation() {
    return remediation;
  }

  public void setRemediation(Remediation remediation) {
    this.remediation = remediation;
  }

  public Exclude getExclude() {
    return exclude;
  }

  public void setExclude(Exclude exclude) {
    this.exclude = exclude;
  }
}
