package dev.coordd.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;

/**
 * The one shared {@link ObjectMapper}; thread-safe once configured, which is here.
 *
 * <p>Depth limits are set so that everything accepted can be answered: input from outside (a
 * request line, {@code --data}, an inbox file) may nest {@link #MAX_DEPTH} levels, and writing
 * allows {@link #ENVELOPE_DEPTH} more, because an answer wraps accepted data in a few levels of its
 * own (response, result, list, record). JSON the daemon wrote itself (answers, stored rows) is read
 * back with the writer's limit. Size limits are Jackson's, the same in both directions; the
 * socket's line cap bounds a request first.
 */
public final class Json {
  /** How deep input from outside may nest. */
  public static final int MAX_DEPTH = 500;

  /** The levels an answer or a stored record may add around accepted data. */
  public static final int ENVELOPE_DEPTH = 32;

  public static final ObjectMapper MAPPER =
      new ObjectMapper(factory(MAX_DEPTH))
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Reads what coordd wrote: as deep as the writer may go. */
  private static final ObjectReader OWN = MAPPER.reader().with(factory(MAX_DEPTH + ENVELOPE_DEPTH));

  private Json() {}

  /**
   * Jackson's default buffer pool is per thread, and every request, batch item and handler here
   * runs on a virtual thread of its own: each would allocate fresh buffers (kilobytes per call,
   * most of the daemon's garbage under load). One pool shared by all threads reuses them.
   */
  private static JsonFactory factory(int readDepth) {
    return JsonFactory.builder()
        .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(readDepth).build())
        .streamWriteConstraints(
            StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH + ENVELOPE_DEPTH).build())
        .build();
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot serialise " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The value as one line of UTF-8 JSON, newline included: a socket message. Through a String on
   * purpose: a lone UTF-16 surrogate (JSON may carry one as an escape) then becomes '?', where
   * Jackson's UTF-8 writer would refuse the whole message.
   */
  public static byte[] line(Object value) {
    return (write(value) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses JSON text; a syntax error becomes an {@link InvalidRequestException} on {@code field}.
   */
  public static JsonNode parse(String field, String text) {
    if (text == null) {
      return NullNode.getInstance();
    }
    try {
      return MAPPER.readTree(text);
    } catch (StreamConstraintsException e) {
      throw new InvalidRequestException(field, field + " is refused: " + problem(e));
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(field, field + " is not valid JSON: " + problem(e));
    }
  }

  /** Parses JSON coordd wrote itself (answers, stored rows); failure is a bug, not bad input. */
  public static JsonNode read(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OWN.readTree(text);
    } catch (JsonProcessingException e) {
      // not problem(e): this reader's depth limit is the writer's, not the input limit it names
      throw new IllegalStateException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * What is wrong with some JSON, in one line; a limit that was hit is named with how to stay under
   * it, since Jackson's own wording points at its API, not at the caller's data.
   */
  public static String problem(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException && e.getOriginalMessage().contains("depth")) {
      return "it nests deeper than "
          + MAX_DEPTH
          + " levels, coordd's limit for JSON (on the socket the request's own levels count"
          + " too); send flatter data";
    }
    String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    return message.lines().findFirst().orElse(message);
  }
}
