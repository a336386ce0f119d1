package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Whether containers must run with a read-only root filesystem. */
@ValidationRule(value = "!self.mutate || self.requireReadOnly",
    message = "spec.rootFilesystem.mutate needs spec.rootFilesystem.requireReadOnly: true")
@JsonIgnoreProperties(ignoreUnknown = true)
public class RootFilesystem {
  @Default("false")
  @JsonPropertyDescription("Report (and in Enforce mode refuse) containers without readOnlyRootFilesystem: true.")
  private boolean requireReadOnly;

  @Default("false")
  @JsonPropertyDescription("In Enforce mode, set readOnlyRootFilesystem on new pods instead of refusing them, "
      + "and mount emptyDir volumes at writablePaths.")
  private boolean mutate;

  @Size(max = 32)
  @JsonPropertyDescription("Absolute paths that stay writable (emptyDir) when mutate is on, e.g. /var/cache/nginx.")
  @ValidationRule(value = "self.all(p, p.startsWith('/'))",
      message = "spec.rootFilesystem.writablePaths must be absolute paths")
  private List<String> writablePaths = new ArrayList<>();

  public boolean isRequireReadOnly() {
    return requireReadOnly;
  }

  public void setRequireReadOnly(boolean requireReadOnly) {
    this.requireReadOnly = requireReadOnly;
  }

  public boolean isMutate() {
    return mutate;
  }

  public void setMutate(boolean mutate) {
    this.mutate = mutate;
  }

  public List<String> getWritablePaths() {
    return writablePaths;
  }

  public void setWritablePaths(List<String> writablePaths) {
    this.writablePaths = writablePaths;
  }
}
