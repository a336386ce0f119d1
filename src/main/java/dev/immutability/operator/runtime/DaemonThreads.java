package dev.immutability.operator.runtime;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads, so the operator's helpers never keep a stopping JVM alive and show up in thread dumps. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
