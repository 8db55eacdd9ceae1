package dev.coordd.daemon.http;

/**
 * A refusal that belongs to HTTP itself (no token, a body too large, no such route), answered like
 * the service's own errors: {@code {"error": {"code", "message"}}} with {@link #status}.
 */
final class HttpError extends RuntimeException {
  private final int status;
  private final String code;

  HttpError(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  static HttpError unauthorized() {
    return new HttpError(
        401,
        "unauthorized",
        "this request needs the daemon's token: send 'Authorization: Bearer <token>' with the"
            + " token from the home's token file, or open the link `coordd dashboard` prints to"
            + " log a browser in");
  }
}
