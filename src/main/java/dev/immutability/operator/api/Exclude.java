package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/** Parts of selected pods the policy ignores. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class Exclude {
  @Size(max = 32)
  @JsonPropertyDescription("Container names to ignore, e.g. a service-mesh sidecar.")
  private List<String> containers = new ArrayList<>();

  @Size(max = 64)
  @JsonPropertyDescription("ConfigMap names whose changes are not drift, e.g. one a controller rewrites every few minutes.")
  private List<String> configMaps = new ArrayList<>();

  @Size(max = 64)
  @JsonPropertyDescription("Secret names whose changes are not drift, e.g. a certificate that cert-manager renews.")
  private List<String> secrets = new ArrayList<>();

  @JsonPropertyDescription("ConfigMaps and Secrets with labels matching this selector are not tracked.")
  private LabelSelector configSelector;

  public List<String> getContainers() {
    return containers;
  }

  public void setContainers(List<String> containers) {
    this.containers = containers;
  }

  public List<String> getConfigMaps() {
    return configMaps;
  }

  public void setConfigMaps(List<String> configMaps) {
    this.configMaps = configMaps;
  }

  public List<String> getSecrets() {
    return secrets;
  }

  public void setSecrets(List<String> secrets) {
    this.secrets = secrets;
  }

  public LabelSelector getConfigSelector() {
    return configSelector;
  }

  public void setConfigSelector(LabelSelector configSelector) {
    this.configSelector = configSelector;
  }
}
