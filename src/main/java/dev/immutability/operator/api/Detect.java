package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.generator.annotation.Default;

/** Which kinds of drift a policy looks for. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class Detect {
  @Default("true")
  private boolean exec = true;
  @Default("true")
  private boolean attach = true;
  @Default("true")
  private boolean ephemeralContainers = true;
  @Default("true")
  private boolean image = true;
  @Default("true")
  private boolean config = true;
  @Default("true")
  private boolean rootFilesystem = true;

  public boolean isExec() {
    return exec;
  }

  public void setExec(boolean exec) {
    this.exec = exec;
  }

  public boolean isAttach() {
    return attach;
  }

  public void setAttach(boolean attach) {
    this.attach = attach;
  }

  public boolean isEphemeralContainers() {
    return ephemeralContainers;
  }

  public void setEphemeralContainers(boolean ephemeralContainers) {
    this.ephemeralContainers = ephemeralContainers;
  }

  public boolean isImage() {
    return image;
  }

  public void setImage(boolean image) {
    this.image = image;
  }

  public boolean isConfig() {
    return config;
  }

  public void setConfig(boolean config) {
    this.config = config;
  }

  public boolean isRootFilesystem() {
    return rootFilesystem;
  }

  public void setRootFilesystem(boolean rootFilesystem) {
    this.rootFilesystem = rootFilesystem;
  }
}
