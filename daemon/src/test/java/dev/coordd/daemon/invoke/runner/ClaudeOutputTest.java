package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading Claude Code's {@code claude -p --output-format json} (and stream-json) output. */
class ClaudeOutputTest {
  /** {@code --output-format json}: one result object. */
  private static final String RESULT =
      """
      {"type":"result","subtype":"success","is_error":false,"result":"fix the bug",\
      "session_id":"sess-new","total_cost_usd":0.0123,"num_turns":3,"duration_ms":4567}
      """;

  /** {@code --output-format stream-json}: one message per line, the result last. */
  private static final String STREAM =
      """
      {"type":"system","subtype":"init","session_id":"sess-new","tools":["Bash"]}
      a stray log line that is not JSON
      {"type":"assistant","message":{"content":[{"type":"text","text":"working on it"}]}}
      {"type":"result","subtype":"success","is_error":false,"result":"stream it",\
      "session_id":"sess-new","total_cost_usd":0.0123,"num_turns":3,"duration_ms":4567}

      """;

  /** {@code --output-format json --verbose}: an array of every message, ending in the result. */
  private static final String VERBOSE =
      """
      [{"type":"system","subtype":"init"},
      {"type":"result","subtype":"success","is_error":false,"result":"all of it",\
      "session_id":"sess-new","total_cost_usd":0.0123,"num_turns":3,"duration_ms":4567}
      ]
      """;

  private static final String NO_RESULT =
      """
      {"type":"system","subtype":"init","session_id":"sess-new"}
      {"type":"assistant","message":{"content":[{"type":"text","text":"halfway"}]}}
      """;

  private static final String IS_ERROR =
      """
      {"type":"result","subtype":"success","is_error":true,"result":"API Error: 529 overloaded",\
      "session_id":"sess-new","total_cost_usd":0.0123,"num_turns":3,"duration_ms":4567}
      """;

  /**
   * Claude Code 2.1.332 answered 401 by its API (shortened: usage and stats left out); it printed
   * this and exited 1.
   */
  private static final String REAL_AUTH_ERROR =
      """
      {"duration_api_ms":0,"stop_reason":"stop_sequence",\
      "session_id":"b96d6ea2-a3a6-4f59-84df-8379719889b4","total_cost_usd":0,\
      "permission_denials":[],"terminal_reason":"api_error","is_error":true,"num_turns":1,\
      "subtype":"success","api_error_status":401,"api_error_type":"authentication_error",\
      "result":"Invalid API key · Fix external API key","type":"result","duration_ms":545}
      """;

  private static final String MAX_TURNS =
      """
      {"type":"result","subtype":"error_max_turns","is_error":false,"session_id":"sess-7",\
      "num_turns":10}
      """;

  /**
   * What a headless run prints when its tool calls were refused: "success", having done nothing.
   */
  private static final String DENIED =
      """
      {"type":"result","subtype":"success","is_error":false,"result":"I need permission",\
      "session_id":"sess-9","num_turns":2,"permission_denials":[\
      {"tool_name":"mcp__coordd__task_complete","tool_use_id":"t1","tool_input":{}},\
      {"tool_name":"Bash","tool_use_id":"t2","tool_input":{"command":"ls"}},\
      {"tool_name":"Bash","tool_use_id":"t3","tool_input":{"command":"pwd"}}]}
      """;

  @TempDir Path tmp;
  CapturedOutput claude;

  @BeforeEach
  void setUp() {
    claude = new CapturedOutput(tmp, "claude");
  }

  @Test
  void claude_result_is_normalised() throws Exception {
    JsonNode answer = claude.answer(RESULT, "fix the bug");

    assertThat(answer.get("agentType").asText()).isEqualTo("claude");
    assertThat(answer.get("text").asText()).isEqualTo("fix the bug");
    assertThat(answer.get("sessionId").asText()).isEqualTo("sess-new");
    assertThat(answer.get("costUsd").asDouble()).isEqualTo(0.0123);
    assertThat(answer.get("turns").asInt()).isEqualTo(3);
    assertThat(answer.get("durationMs").asLong()).as("the CLI's own figure").isEqualTo(4567);
    assertThat(answer.get("raw").get("type").asText()).isEqualTo("result");
  }

  @Test
  void stream_json_output_ends_in_the_result_line() throws Exception {
    JsonNode answer = claude.answer(STREAM, "stream it");

    assertThat(answer.get("text").asText()).isEqualTo("stream it");
    assertThat(answer.get("sessionId").asText()).isEqualTo("sess-new");
  }

  @Test
  void verbose_json_array_of_messages_gives_its_result() throws Exception {
    JsonNode answer = claude.answer(VERBOSE, "all of it");

    assertThat(answer.get("text").asText()).isEqualTo("all of it");
  }

  @Test
  void garbage_output_is_an_invalid_result() throws Exception {
    TaskFailure failure = claude.failure("Segmentation fault (core dumped) {not json\n");

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage())
        .startsWith("no result line in claude output: ")
        .contains("Segmentation fault");
  }

  @Test
  void output_without_a_result_line_is_an_invalid_result() throws Exception {
    TaskFailure failure = claude.failure(NO_RESULT);

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.getMessage()).contains("no result line in claude output", "halfway");
  }

  @Test
  void is_error_in_the_result_is_an_agent_error() throws Exception {
    TaskFailure failure = claude.exitingWith(1).failure(IS_ERROR);

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.permanent()).isFalse();
    assertThat(failure.getMessage()).contains("API Error: 529 overloaded", "sess-new");
  }

  @Test
  void a_result_subtype_other_than_success_is_an_agent_error() throws Exception {
    TaskFailure failure = claude.exitingWith(1).failure(MAX_TURNS);

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.getMessage()).contains("error_max_turns", "sess-7");
  }

  @Test
  void the_real_clis_authentication_error_with_exit_1_is_an_agent_error_naming_the_session()
      throws Exception {
    TaskFailure failure = claude.exitingWith(1).failure(REAL_AUTH_ERROR);

    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .contains("Invalid API key", "in session b96d6ea2-a3a6-4f59-84df-8379719889b4");
  }

  @Test
  void an_exit_code_without_a_result_line_stays_an_exit_code_failure() throws Exception {
    TaskFailure failure = claude.exitingWith(2).failure(NO_RESULT);

    assertThat(failure.kind()).isEqualTo("exit_code");
    assertThat(failure.getMessage()).contains("exited with 2");
  }

  @Test
  void tool_calls_denied_in_a_successful_run_are_an_agent_error() throws Exception {
    TaskFailure failure = claude.failure(DENIED);

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .contains("was denied 3 tool call(s) (mcp__coordd__task_complete, Bash) in session sess-9")
        .contains("--allowedTools");
  }
}
