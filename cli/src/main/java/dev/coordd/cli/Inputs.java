package dev.coordd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON given on the command line: inline, {@code @file}, or {@code @-} for stdin. */
public final class Inputs {
  private Inputs() {}

  public static JsonNode json(String option, String value) {
    if (value == null) {
      return null;
    }
    String text;
    if (value.equals("@-") || value.equals("-")) {
      try {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new InvalidRequestException(
            option, "cannot read " + option + " from stdin: " + e.getMessage());
      }
    } else if (value.startsWith("@")) {
      Path file = Path.of(value.substring(1));
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new InvalidRequestException(
            option, "cannot read " + option + " file " + file + ": " + e.getMessage());
      }
    } else {
      text = value;
    }
    return Json.parse(option, text);
  }
}
