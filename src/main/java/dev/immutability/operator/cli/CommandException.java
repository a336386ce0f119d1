package dev.immutability.operator.cli;

/** A command cannot do what was asked (the pod does not exist, no policy governs it); the message says why. */
final class CommandException extends RuntimeException {
  CommandException(String message) {
    super(message);
  }
}
