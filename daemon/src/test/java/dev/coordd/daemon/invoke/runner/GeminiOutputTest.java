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

  /**
   * Gemini CLI 0.61.0 answered 401 by the model API: nothing on stdout, exit 145, and this on
   * stderr (its notices, one of its two stack traces, trimmed, and its error object, as printed).
   */
  private static final String REAL_401_STDERR =
      """
      Warning: Basic terminal detected (TERM=dumb). Visual rendering will be limited. For the \
      best experience, use a terminal emulator with truecolor support.
      Ripgrep is not available. Falling back to GrepTool.
      Error when talking to Gemini API Full report available at: \
      /tmp/gemini-client-error-Turn.run-sendMessageStream-2026-12-01T18-09-15-178Z.json \
      _ApiError: {"error":{"code":401,"message":"API key not valid. Please pass a valid API \
      key.","status":"UNAUTHENTICATED"}}
          at throwErrorIfNotOK (file:///root/.cache/coordd/agent-clis/@google+gemini-cli@0.61.0/\
      node_modules/@google/gemini-cli/bundle/chunk-JDPZ4CE3.js:267833:24)
          at async Turn.run (file:///root/.cache/coordd/agent-clis/@google+gemini-cli@0.61.0/\
      node_modules/@google/gemini-cli/bundle/chunk-JDPZ4CE3.js:333001:24) {
        status: 401
      }
      {
        "session_id": "d3af366c-e081-415a-a347-8f606d7e328e",
        "error": {
          "type": "Error",
          "message": "{\\"error\\":{\\"code\\":401,\\"message\\":\\"API key not valid. Please pass a \
      valid API key.\\",\\"status\\":\\"UNAUTHENTICATED\\"}}",
          "code": 401
        }
      }
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
  void the_real_clis_401_at_the_end_of_stderr_is_an_agent_error_naming_the_session()
      throws Exception {
    TaskFailure failure = gemini.exitingWith(145).failure("", REAL_401_STDERR);

    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .startsWith(
            "gemini reported an error (401) in session d3af366c-e081-415a-a347-8f606d7e328e")
        .contains("API key not valid. Please pass a valid API key.");
  }

  @Test
  void stderr_not_ending_with_an_error_object_leaves_the_exit_code_as_the_failure()
      throws Exception {
    String stackTraceOnly = REAL_401_STDERR.substring(0, REAL_401_STDERR.indexOf("}\n{") + 2);

    TaskFailure failure = gemini.exitingWith(145).failure("", stackTraceOnly);

    assertThat(failure.kind()).isEqualTo("exit_code");
    assertThat(failure.getMessage()).startsWith("gemini exited with 145").contains("status: 401");
  }

  @Test
  void gemini_output_without_a_response_is_an_invalid_result() throws Exception {
    TaskFailure failure = gemini.failure("Segmentation fault (core dumped) {not json\n");

    assertThat(failure.kind()).isEqualTo("invalid_result");
  }
}
