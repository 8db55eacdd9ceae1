package dev.coordd.api;

/**
 * Why one item of a batch failed, as the exception it would have thrown alone.
 *
 * @param kind the exception's {@link CoorddException#code()}: {@code invalid}, {@code not_found},
 *     {@code conflict}, {@code rate_limited}, {@code unavailable}, …
 * @param field the request field at fault, for {@code invalid}
 * @param retryAfterMs when to retry, for {@code rate_limited}
 */
public record BatchError(String kind, String message, String field, Long retryAfterMs) {

  public static BatchError of(CoorddException e) {
    return new BatchError(
        e.code(),
        e.getMessage(),
        e instanceof InvalidRequestException ire ? ire.field() : null,
        e instanceof RateLimitedException rl ? rl.retryAfterMs() : null);
  }

  /** The exception this error stands for, of the same type as the one the item raised. */
  public CoorddException toException() {
    String k = kind == null ? "failed" : kind;
    return switch (k) {
      case "invalid" -> new InvalidRequestException(field, message);
      case "not_found" -> new NotFoundException(message);
      case "conflict" -> new ConflictException(message);
      case "rate_limited" ->
          new RateLimitedException(message, retryAfterMs == null ? 0 : retryAfterMs);
      case "unavailable" -> new UnavailableException(message);
      default -> new CoorddException(k, message);
    };
  }
}
