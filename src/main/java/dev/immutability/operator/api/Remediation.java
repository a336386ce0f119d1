package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;

/** How and how fast drifted pods are replaced. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class Remediation {
  @Default("Evict")
  @JsonPropertyDescription("Evict (honours PodDisruptionBudgets), Delete, RolloutRestart (the pod's Deployment, "
      + "StatefulSet or DaemonSet rolls its pods with its own strategy; other pods are evicted), or None.")
  private Strategy strategy = Strategy.Evict;

  @Default("0s")
  @Size(max = 32)
  @JsonPropertyDescription("Time allowed after an exec or attach session before the pod is replaced, e.g. 0s, 90s, 5m, 1h30m.")
  @ValidationRule(value = "self.matches('^([0-9]+(ms|s|m|h))+$')",
      message = "spec.remediation.execGracePeriod must be a duration such as 0s, 90s, 5m or 1h30m")
  private String execGracePeriod = "0s";

  @Default("1")
  @JsonPropertyDescription("Replacements in flight at once per policy: a count (at least 1) or a percentage of matched pods.")
  @ValidationRule(value = "type(self) == int ? self >= 1 : self.matches('^([1-9][0-9]?|100)%$')",
      message = "spec.remediation.maxUnavailable must be an integer of at least 1 or a percentage from 1% to 100%")
  private IntOrString maxUnavailable = new IntOrString(1);

  @Default("false")
  @JsonPropertyDescription("Report what would be replaced, replace nothing.")
  private boolean dryRun;

  @Default("false")
  @JsonPropertyDescription("Replace drifted pods of Jobs too; off by default, since a replaced Job pod restarts its work.")
  private boolean replaceJobPods;

  @Default("false")
  @JsonPropertyDescription("Replace pods after exec and attach sessions heard without the API server's client "
      + "certificate (anyone who reaches the webhook could forge those). Off by default: such sessions are recorded, "
      + "not acted on. Set up client authentication instead where you can (see the README's security model).")
  private boolean replaceOnUnauthenticatedSessions;

  @Default("10m")
  @Size(max = 32)
  @JsonPropertyDescription("When the replacement of an owner's pod shows the same drift again within this window, "
      + "the drift is one the replacement reproduces: replacing stops for that owner and reason (Degraded, "
      + "reason ReplacementDoesNotHeal) and is retried with exponential backoff.")
  @ValidationRule(value = "self.matches('^([0-9]+(ms|s|m|h))+$')",
      message = "spec.remediation.loopWindow must be a duration such as 90s, 10m or 1h")
  private String loopWindow = "10m";

  public Strategy getStrategy() {
    return strategy;
  }

  public void setStrategy(Strategy strategy) {
    this.strategy = strategy;
  }

  public String getExecGracePeriod() {
    return execGracePeriod;
  }

  public void setExecGracePeriod(String execGracePeriod) {
    this.execGracePeriod = execGracePeriod;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public boolean isDryRun() {
    return dryRun;
  }

  public void setDryRun(boolean dryRun) {
    this.dryRun = dryRun;
  }

  public boolean isReplaceJobPods() {
    return replaceJobPods;
  }

  public void setReplaceJobPods(boolean replaceJobPods) {
    this.replaceJobPods = replaceJobPods;
  }

  public boolean isReplaceOnUnauthenticatedSessions() {
    return replaceOnUnauthenticatedSessions;
  }

  public void setReplaceOnUnauthenticatedSessions(boolean replaceOnUnauthenticatedSessions) {
    this.replaceOnUnauthenticatedSessions = replaceOnUnauthenticatedSessions;
  }

  public String getLoopWindow() {
    return loopWindow;
  }

  public void setLoopWindow(String loopWindow) {
    this.loopWindow = loopWindow;
  }

  /** loopWindow as a Duration; the schema guarantees the format. */
  public Duration loopWindowDuration() {
    return Durations.parse(loopWindow);
  }

  /** execGracePeriod as a Duration; the schema guarantees the format. */
  public Duration execGrace() {
    return Durations.parse(execGracePeriod);
  }

  /** maxUnavailable resolved against the number of matched pods, never below 1. */
  public int maxUnavailableOf(int matchedPods) {
    if (maxUnavailable == null) {
      return 1;
    }
    if (maxUnavailable.getIntVal() != null) {
      return Math.max(1, maxUnavailable.getIntVal());
    }
    int percent = Integer.parseInt(maxUnavailable.getStrVal().replace("%", ""));
    return Math.max(1, matchedPods * percent / 100);
  }
}
