package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where an exception is in its life, as the operator recorded it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ImmutabilityExceptionStatus {
  @JsonPropertyDescription("Active until spec.expiresAt, then Expired.")
  private String phase;

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }
}
