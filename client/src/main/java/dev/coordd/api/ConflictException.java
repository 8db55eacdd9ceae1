package dev.coordd.api;

/**
 * The request is well-formed but the object is not in a state that allows it: completing a task you
 * do not hold, cancelling a finished one.
 */
public class ConflictException extends CoorddException {
  public ConflictException(String message) {
    super("conflict", message);
  }
}
