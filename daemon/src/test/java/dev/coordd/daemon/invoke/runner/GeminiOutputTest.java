package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading Gemini CLI's {@code --output-format json} object. */
class GeminiOutputTest {
  private static final String RESPONSE =
      """
      {
        "response": "Gemini says hello.",
        "stats": {
          "models": {"gemini-2.5-pro": {"api": {"totalRequests": 1}, "tokens": {"total": 1234}}},
          "tools": {"totalCalls": 0}
        }
      }
      """;

  private static final String ERROR =
      """
      {"error":{"type":"FatalAuthenticationError","message":"not logged in","code":41}}
      """;

  @TempDir Path tmp;
  CapturedOutput gemini;

  @BeforeEach
  void setUp() {
    gemini = new CapturedOutput(tmp, "gemini");
  }

  @Test
  void gemini_response_is_the_text() throws Exception {
    JsonNode answer = gemini.answer(RESPONSE);

    assertThat(answer.get("agentType").asText()).isEqualTo("gemini");
    assertThat(answer.get("text").asText()).isEqualTo("Gemini says hello.");
    assertThat(answer.at("/raw/stats/tools/totalCalls").asInt()).isZero();
  }

  @Test
  void a_gemini_error_is_an_agent_error() throws Exception {
    TaskFailure failure = gemini.exitingWith(41).failure(ERROR); // its exit code for this error

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.getMessage()).contains("not logged in");
  }

  @Test
  void gemini_output_without_a_response_is_an_invalid_result() throws Exception {
    TaskFailure failure = gemini.failure("Segmentation fault (core dumped) {not json\n");

    assertThat(failure.kind()).isEqualTo("invalid_result");
  }
}
