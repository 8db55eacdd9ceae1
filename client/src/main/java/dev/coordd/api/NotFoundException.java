package dev.coordd.api;

/** No task, agent or other object by that id or name. */
public class NotFoundException extends CoorddException {
  public NotFoundException(String message) {
    super("not_found", message);
  }
}
