package dev.coordd.api;

/**
 * Too many requests from one agent: the daemon refused this one and says when to try again. A kind
 * of {@link UnavailableException} because it passes: whoever retries after {@link #retryAfterMs()}
 * gets in (the inbox leaves such a file in place and ingests it on a later scan).
 */
public class RateLimitedException extends UnavailableException {
  private final long retryAfterMs;

  public RateLimitedException(String message, long retryAfterMs) {
    super("rate_limited", message, null);
    this.retryAfterMs = retryAfterMs;
  }

  /** How long to wait before the next attempt can succeed. */
  public long retryAfterMs() {
    return retryAfterMs;
  }
}
