package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** An image a container must run, pinned by digest. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ImagePin {
  @Required
  @Size(max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Container name.")
  private String container;

  @Required
  @Size(max = 512)
  @ValidationRule(value = "self.matches('^[^@\\\\s]+@sha256:[a-f0-9]{64}$')",
      message = "spec.images[].image must be pinned by digest, as repository@sha256:<64 hex digits>")
  @JsonPropertyDescription("Image reference with a digest, e.g. nginx@sha256:<64 hex digits>.")
  private String image;

  public ImagePin() {}

  public ImagePin(String container, String image) {
    this.container = container;
    this.image = image;
  }

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  /** The {@code sha256:...} part of the pinned image. */
  public String digest() {
    return image.substring(image.indexOf('@') + 1);
  }
}
