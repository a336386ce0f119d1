package dev.immutability.operator.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public class ImmutabilityPolicyStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private int matchedPods;
  private int driftedPods;
  private long replacedPods;
  private String lastDriftTime;
  private List<RecentFinding> recentFindings = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public int getMatchedPods() {
    return matchedPods;
  }

  public void setMatchedPods(int matchedPods) {
    this.matchedPods = matchedPods;
  }

  public int getDriftedPods() {
    return driftedPods;
  }

  public void setDriftedPods(int driftedPods) {
    this.driftedPods = driftedPods;
  }

  public long getReplacedPods() {
    return replacedPods;
  }

  public void setReplacedPods(long replacedPods) {
    this.replacedPods = replacedPods;
  }

  public String getLastDriftTime() {
    return lastDriftTime;
  }

  public void setLastDriftTime(String lastDriftTime) {
    this.lastDriftTime = lastDriftTime;
  }

  public List<RecentFinding> getRecentFindings() {
    return recentFindings;
  }

  public void setRecentFindings(List<RecentFinding> recentFindings) {
    this.recentFindings = recentFindings;
  }
}
