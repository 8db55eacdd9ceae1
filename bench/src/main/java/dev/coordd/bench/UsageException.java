package dev.coordd.bench;

/** A wrong option or argument: the message says what and how to fix it (exit 2). */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
