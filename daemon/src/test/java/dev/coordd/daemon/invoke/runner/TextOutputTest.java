package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading any program that prints text: its whole stdout. */
class TextOutputTest {
  @TempDir Path tmp;

  @Test
  void text_output_is_stdout() throws Exception {
    JsonNode answer = new CapturedOutput(tmp, "text").answer("Line one.\nYou said: hi\n\n");

    assertThat(answer.get("text").asText()).isEqualTo("Line one.\nYou said: hi");
    assertThat(answer.get("raw").isNull()).isTrue();
    assertThat(answer.get("durationMs").asLong()).isNotNegative();
  }

  @Test
  void text_over_max_output_bytes_is_an_invalid_result_not_a_cut_answer() throws Exception {
    TaskFailure failure =
        new CapturedOutput(tmp, "text").withMaxOutputBytes(10).failure("Line one.\nLine two.\n");

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.getMessage())
        .startsWith("text output is incomplete: Line one.")
        .contains("stdout was over maxOutputBytes (10)");
  }
}
