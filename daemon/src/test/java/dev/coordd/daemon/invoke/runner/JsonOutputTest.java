package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading any program that prints JSON: the last value printed. */
class JsonOutputTest {
  @TempDir Path tmp;

  @Test
  void json_output_is_the_last_value_printed() throws Exception {
    JsonNode answer =
        new CapturedOutput(tmp, "json")
            .answer(
                """
                loading...
                {"answer": 42, "why": "it is known"}
                """);

    assertThat(answer.get("text").isNull()).isTrue();
    assertThat(answer.get("raw"))
        .isEqualTo(Json.read("{\"answer\": 42, \"why\": \"it is known\"}"));
  }
}
