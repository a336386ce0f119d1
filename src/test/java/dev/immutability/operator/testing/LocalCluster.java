package dev.immutability.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code hack/local-cluster.sh} of this checkout. */
public final class LocalCluster {
  private LocalCluster() {}

  public record Result(int exitCode, String output) {}

  public static Path projectRoot() {
    return Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
  }

  /** Path of a binary the script built and cached, such as {@code kubectl}. */
  public static Path binary(String name) {
    Result result = run(List.of("bin", name), 30);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(result.output());
    }
    return Path.of(result.output().strip());
  }

  static Result run(List<String> args, long timeoutSeconds) {
    List<String> command = new ArrayList<>();
    command.add(projectRoot().resolve("hack/local-cluster.sh").toString());
    command.addAll(args);
    return exec(command, timeoutSeconds, true);
  }

  private static byte[] readAll(Process process) {
    try {
      return process.getInputStream().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path of a tool hack/tools.sh provides (helm, promtool), built first if needed. */
  public static String tool(String name) {
    Result built = exec(List.of("hack/tools.sh", name), 1200, true);
    if (built.exitCode() != 0) {
      throw new IllegalStateException("hack/tools.sh " + name + " failed");
    }
    return built.output().strip();
  }

  /** Runs a command; stderr is shown live when {@code stderrToConsole}, else merged into the output. */
  public static Result exec(List<String> command, long timeoutSeconds, boolean stderrToConsole) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(projectRoot().toFile());
      if (stderrToConsole) {
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
      } else {
        builder.redirectErrorStream(true);
      }
      Process process = builder.start();
      process.getOutputStream().close();
      // Read on another thread so a hanging command still times out.
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process));
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + timeoutSeconds + "s: " + command);
      }
      return new Result(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
