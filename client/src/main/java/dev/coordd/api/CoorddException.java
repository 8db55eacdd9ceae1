package dev.coordd.api;

/**
 * The one unchecked root of every coordd error. Each subclass names what failed; the doors map
 * {@link #code()} once: a JSON-RPC error code, an HTTP status, a CLI exit code.
 */
public class CoorddException extends RuntimeException {
  private final String code;

  public CoorddException(String code, String message) {
    super(message);
    this.code = code;
  }

  public CoorddException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** A stable machine-readable name: {@code invalid}, {@code not_found}, {@code conflict}, … */
  public String code() {
    return code;
  }
}
