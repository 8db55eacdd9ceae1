package dev.coordd.api;

/** The daemon is not running, is stopping, or its store cannot be written. */
public class UnavailableException extends CoorddException {
  public UnavailableException(String message) {
    super("unavailable", message);
  }

  public UnavailableException(String message, Throwable cause) {
    super("unavailable", message, cause);
  }

  /** For kinds of unavailability that callers may tell apart, e.g. {@code rate_limited}. */
  protected UnavailableException(String code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
