package dev.immutability.operator;

import io.javaoperatorsdk.operator.Operator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the Immutability Operator against the current kubeconfig or in-cluster configuration. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Operator operator = new Operator();
    operator.start();
    log.info("immutability operator started");
  }
}
