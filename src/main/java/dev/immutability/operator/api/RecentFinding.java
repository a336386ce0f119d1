package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/** One finding as the policy status lists it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class RecentFinding {
  private String pod;
  private String container;
  private String reason;
  private String message;
  private String detectedAt;
  /** Recorded, Replaced, WouldReplace (dry run), Pending or Blocked. */
  private String action;

  public RecentFinding() {}

  public RecentFinding(String pod, String container, String reason, String message, String detectedAt,
      String action) {
    this.pod = pod;
    this.container = container;
    this.reason = reason;
    this.message = message;
    this.detectedAt = detectedAt;
    this.action = action;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getContainer() {
    return container;
  }

  public void setContainer(String container) {
    this.container = container;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getDetectedAt() {
    return detectedAt;
  }

  public void setDetectedAt(String detectedAt) {
    this.detectedAt = detectedAt;
  }

  public String getAction() {
    return action;
  }

  public void setAction(String action) {
    this.action = action;
  }

  /** Same pod, container, reason and detection time: the same finding, whatever its action is now. */
  public boolean sameFindingAs(RecentFinding other) {
    return Objects.equals(pod, other.pod) && Objects.equals(container, other.container)
        && Objects.equals(reason, other.reason) && Objects.equals(detectedAt, other.detectedAt);
  }
}
