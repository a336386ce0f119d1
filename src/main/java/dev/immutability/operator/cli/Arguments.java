package dev.immutability.operator.cli;

import dev.immutability.operator.api.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The plugin's command line: a command, its pod, and kubectl-like flags. */
record Arguments(String command, String pod, Optional<String> namespace, boolean allNamespaces, Duration duration,
    String reason, List<String> reasons) {

  static Arguments parse(String[] args) {
    List<String> positional = new ArrayList<>();
    String namespace = null;
    boolean all = false;
    Duration duration = null;
    String reason = null;
    List<String> reasons = List.of();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg.contains("=") && arg.startsWith("--") ? arg.substring(0, arg.indexOf('=')) : arg;
      String inline = flag.equals(arg) ? null : arg.substring(arg.indexOf('=') + 1);
      switch (flag) {
        case "-n", "--namespace" -> namespace = inline != null ? inline : next(args, ++i, flag);
        case "-A", "--all-namespaces" -> all = true;
        case "--for" -> duration = duration(inline != null ? inline : next(args, ++i, flag));
        case "--reason" -> reason = inline != null ? inline : next(args, ++i, flag);
        case "--reasons" -> reasons = List.of((inline != null ? inline : next(args, ++i, flag)).split(","));
        case "-h", "--help" -> positional.add(0, "help");
        default -> {
          if (arg.startsWith("-")) {
            throw new IllegalArgumentException("unknown flag " + arg);
          }
          positional.add(arg);
        }
      }
    }
    if (positional.isEmpty()) {
      return new Arguments("help", null, Optional.empty(), false, null, null, List.of());
    }
    String command = positional.get(0);
    String pod = positional.size() > 1 ? positional.get(1) : null;
    switch (command) {
      case "help", "status" -> { }
      case "explain" -> require(pod != null, "explain needs a pod name");
      case "except" -> {
        require(pod != null, "except needs a pod name");
        require(duration != null, "except needs --for, e.g. --for 30m");
        require(reason != null && !reason.isBlank(), "except needs --reason, e.g. --reason \"INC-42: hot patch\"");
      }
      default -> throw new IllegalArgumentException("unknown command " + command);
    }
    require(positional.size() <= (pod == null ? 1 : 2), "unexpected argument " + positional.get(positional.size() - 1));
    return new Arguments(command, pod, Optional.ofNullable(namespace), all, duration, reason, reasons);
  }

  private static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--for takes a duration such as 30m, 2h or 1h30m, not " + text);
    }
  }

  private static String next(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[index];
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
