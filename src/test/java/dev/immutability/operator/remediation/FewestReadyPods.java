package dev.immutability.operator.remediation;

import dev.immutability.operator.testing.Workloads;
import java.util.concurrent.atomic.AtomicInteger;

/** Watches an app's ready pods on a thread of its own and keeps the fewest seen, to prove none was lost. */
final class FewestReadyPods implements AutoCloseable {
  private final AtomicInteger fewest = new AtomicInteger(Integer.MAX_VALUE);
  private final Thread poller;
  private volatile boolean running = true;

  FewestReadyPods(Workloads workloads, String app) {
    poller = new Thread(() -> {
      while (running) {
        fewest.accumulateAndGet(workloads.readyPods(app).size(), Math::min);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "fewest-ready-" + app);
    poller.setDaemon(true);
    poller.start();
  }

  int fewest() {
    return fewest.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    poller.join();
  }
}
