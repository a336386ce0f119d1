package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
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
  @SchemaFrom(type = SelectorSchema.class)
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

  @Default("{}")
  private RuntimeAlerts runtime = new RuntimeAlerts();

  @Size(max = 16)
  @JsonPropertyDescription("Owner kinds whose controllers update pods in place (e.g. CloneSet): an image such an "
      + "owner writes into a pod is not drift. Kinds the operator does not know are compared with the pod's baseline.")
  private List<String> ownersUpdatingInPlace = new ArrayList<>();

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

  public RuntimeAlerts getRuntime() {
    return runtime;
  }

  public void setRuntime(RuntimeAlerts runtime) {
    this.runtime = runtime;
  }

  public List<String> getOwnersUpdatingInPlace() {
    return ownersUpdatingInPlace;
  }

  public void setOwnersUpdatingInPlace(List<String> ownersUpdatingInPlace) {
    this.ownersUpdatingInPlace = ownersUpdatingInPlace;
  }
}
