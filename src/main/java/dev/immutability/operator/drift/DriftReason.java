package dev.immutability.operator.drift;

/** The kinds of configuration drift. */
public enum DriftReason {
  ExecSession(true),
  AttachSession(true),
  EphemeralContainer(false),
  ImageChanged(false),
  ImageDigestChanged(false),
  ConfigChanged(false),
  WritableRootFilesystem(false),
  RuntimeDrift(true);

  private final boolean event;

  DriftReason(boolean event) {
    this.event = event;
  }

  /**
   * True for drift reported as it happens (a session, a runtime alert) rather than read off the pod's state:
   * such a finding stays until the pod is replaced, since nothing on the pod shows it is over.
   */
  public boolean isEvent() {
    return event;
  }
}
