package dev.coordd.api;

/** The request itself is wrong: a bad field, a value out of range. Nothing was written. */
public class InvalidRequestException extends CoorddException {
  private final String field;

  public InvalidRequestException(String field, String message) {
    super("invalid", message);
    this.field = field;
  }

  /** The offending field, as a path like {@code data.path}, or null when not one field. */
  public String field() {
    return field;
  }
}
