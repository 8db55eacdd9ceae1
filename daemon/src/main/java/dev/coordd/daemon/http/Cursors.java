package dev.coordd.daemon.http;

import dev.coordd.api.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page cursors: the list's kind and the key of the last item shown, base64url. Opaque so
 * that clients pass {@code next} back as it is rather than build one; the kind catches a cursor of
 * one list handed to another. Stateless.
 */
final class Cursors {
  private Cursors() {}

  static String encode(String kind, String lastKey) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((kind + ":" + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The key, or null for no cursor; a cursor that is not ours is refused, naming the field. */
  static String decode(String cursor, String kind) {
    if (cursor == null) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      text = "";
    }
    if (!text.startsWith(kind + ":") || text.length() == kind.length() + 1) {
      throw new InvalidRequestException(
          "cursor",
          "cursor is not one this list gave out; pass the 'next' of the previous page as it is, or"
              + " leave cursor out for the first page");
    }
    return text.substring(kind.length() + 1);
  }
}
