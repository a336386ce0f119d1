package dev.immutability.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintStream;
import java.time.Clock;

/**
 * The kubectl plugin {@code kubectl immutability}: status, explain and except, against the current kubeconfig
 * context, as kubectl would.
 */
public final class Cli {
  static final String USAGE = """
      Usage:
        kubectl immutability status [-n NAMESPACE | -A]
            Policies and drifted pods with their reasons.
        kubectl immutability explain POD [-n NAMESPACE]
            The pod's findings, the policy that governs it, and what will happen to it and when.
        kubectl immutability except POD --for DURATION --reason TEXT [--reasons R1,R2] [-n NAMESPACE]
            Holds back replacement of POD (and the pods with the same labels, e.g. its replicas) for DURATION
            (e.g. 30m, 2h; at most 7 days) by creating an ImmutabilityException; --reasons limits it to those
            drift reasons (default: the pod's current ones, or all when it has none).
      """;

  private Cli() {}

  public static void main(String[] args) {
    // Before anything logs: the plugin's output is its answer, so only errors, and on stderr.
    System.setProperty("logback.configurationFile", "logback-cli.xml");
    System.exit(run(args, System.out, System.err, Clock.systemUTC()));
  }

  /** Runs one command; the exit code is 0 on success, 1 when the cluster refused, 2 on wrong usage. */
  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (arguments.command().equals("help")) {
      out.print(USAGE);
      return 0;
    }
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      String namespace = arguments.namespace().orElseGet(() -> client.getNamespace() == null ? "default"
          : client.getNamespace());
      switch (arguments.command()) {
        case "status" -> new StatusCommand(client, clock).run(arguments.allNamespaces() ? null : namespace, out);
        case "explain" -> new ExplainCommand(client, clock).run(namespace, arguments.pod(), out);
        case "except" -> new ExceptCommand(client, clock).run(namespace, arguments.pod(), arguments.duration(),
            arguments.reason(), arguments.reasons(), out);
        default -> throw new IllegalStateException(arguments.command());
      }
      return 0;
    } catch (CommandException e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (KubernetesClientException e) {
      err.println("error: " + (e.getStatus() != null && e.getStatus().getMessage() != null
          ? e.getStatus().getMessage() : e.getMessage()));
      return 1;
    }
  }
}
