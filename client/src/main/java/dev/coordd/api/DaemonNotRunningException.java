package dev.coordd.api;

/** Nobody answers on the home's socket: no daemon runs there. */
public class DaemonNotRunningException extends UnavailableException {
  public DaemonNotRunningException(String message) {
    super(message);
  }
}
