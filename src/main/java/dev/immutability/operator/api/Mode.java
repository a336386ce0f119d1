package dev.immutability.operator.api;

/** What a policy does about drift, from mildest to strictest. */
public enum Mode {
  /** Record findings; never touch a pod. */
  Audit,
  /** Record findings and replace drifted pods. */
  Remediate,
  /** Remediate, and also deny exec, attach, debug containers and mutable root filesystems at admission. */
  Enforce;

  public boolean replacesPods() {
    return this != Audit;
  }
}
