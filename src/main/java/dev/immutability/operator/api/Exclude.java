package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Parts of selected pods the policy ignores. */
public class Exclude {
  @Size(max = 32)
  @JsonPropertyDescription("Container names to ignore, e.g. a service-mesh sidecar.")
  private List<String> containers = new ArrayList<>();

  public List<String> getContainers() {
    return containers;
  }

  public void setContainers(List<String> containers) {
    this.containers = containers;
  }
}
