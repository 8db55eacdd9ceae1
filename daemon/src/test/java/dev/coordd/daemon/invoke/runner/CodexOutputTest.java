package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the JSONL events of {@code codex exec --json}, current and older versions. */
class CodexOutputTest {
  private static final String EVENTS =
      """
      {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
      {"type":"turn.started"}
      {"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Looking at the repo**"}}
      {"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"First I will look around."}}
      {"type":"item.started","item":{"id":"item_2","type":"command_execution","command":"bash -lc ls","aggregated_output":"","exit_code":null,"status":"in_progress"}}
      {"type":"item.completed","item":{"id":"item_2","type":"command_execution","command":"bash -lc ls","aggregated_output":"README.md\\n","exit_code":0,"status":"completed"}}
      {"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"The repo has a README."}}
      {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
      """;

  private static final String LEGACY_EVENTS =
      """
      {"model":"o4-mini","provider":"openai","sandbox":"read-only"}
      {"prompt":"say hi"}
      {"id":"0","msg":{"type":"session_configured","session_id":"5973b6c0-94b8-487b-a530-2aeb6098ae0e","model":"o4-mini"}}
      {"id":"0","msg":{"type":"task_started"}}
      {"id":"0","msg":{"type":"agent_reasoning","text":"greeting"}}
      {"id":"0","msg":{"type":"agent_message","message":"Hi there."}}
      {"id":"0","msg":{"type":"task_complete","last_agent_message":"Hi there."}}
      """;

  private static final String FAILED_TURN =
      """
      {"type":"thread.started","thread_id":"0199a213-0000-7800-8aa1-bbab2a035a53"}
      {"type":"turn.started"}
      {"type":"turn.failed","error":{"message":"stream disconnected before completion"}}
      """;

  /** Codex CLI 0.171.0 answered 401 by its model provider: it printed this and exited 1. */
  private static final String REAL_AUTH_ERROR =
      """
      {"type":"thread.started","thread_id":"01a2329f-9a8c-75a1-b24e-4abaea4be9a9"}
      {"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata \
      for `gpt-fake` not found. Defaulting to fallback metadata; this can degrade performance \
      and cause issues."}}
      {"type":"turn.started"}
      {"type":"error","message":"unexpected status 401 Unauthorized: Incorrect API key \
      provided, url: http://127.0.0.1:18904/v1/responses"}
      {"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized: Incorrect \
      API key provided, url: http://127.0.0.1:18904/v1/responses"}}
      """;

  /** Codex CLI 0.171.0 with a warning item (not an error) before its answer; exit 0. */
  private static final String REAL_WARNING_THEN_ANSWER =
      """
      {"type":"thread.started","thread_id":"01a2329a-a303-7641-b827-69d0e1ffacf9"}
      {"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata \
      for `gpt-fake` not found. Defaulting to fallback metadata; this can degrade performance \
      and cause issues."}}
      {"type":"turn.started"}
      {"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"hello"}}
      {"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,\
      "output_tokens":1,"reasoning_output_tokens":0}}
      """;

  /**
   * Codex CLI 0.171.0, {@code codex exec --json} without {@code default_tools_approval_mode =
   * "approve"} on the coordd MCP server: its one tool call was refused, the agent said so, and it
   * exited 0 with a completed turn. (The warning item is trimmed.)
   */
  private static final String REAL_REFUSED_TOOL_CALL =
      """
      {"type":"thread.started","thread_id":"01a232cb-d6a9-7da0-a3f0-1bc853b706da"}
      {"type":"turn.started"}
      {"type":"item.started","item":{"id":"item_1","type":"mcp_tool_call","server":"coordd",\
      "tool":"task_claim","arguments":{"agent":"codex-e2e","types":["review"]},"result":null,\
      "error":null,"status":"in_progress"}}
      {"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"coordd",\
      "tool":"task_claim","arguments":{"agent":"codex-e2e","types":["review"]},"result":null,\
      "error":{"message":"MCP tool call requires approval, but approval policy is never"},\
      "status":"failed"}}
      {"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"The claim \
      gave me nothing: Wall time: 0.0059 seconds\\nOutput:MCP tool call requires approval, but \
      approval policy is never"}}
      {"type":"turn.completed","usage":{"input_tokens":200,"cached_input_tokens":0,\
      "cache_write_input_tokens":0,"output_tokens":40,"reasoning_output_tokens":0}}
      """;

  /**
   * Codex CLI 0.171.0 with coordd's tools approved: the first call answered an error (a task that
   * does not exist: "status":"failed" with the tool's result, no "error"), the agent went on,
   * claimed and completed its task; exit 0. (Tool results trimmed, the warning item dropped.)
   */
  private static final String REAL_TOOL_ERROR_THEN_DONE =
      """
      {"type":"thread.started","thread_id":"01a232cb-c510-7930-9dc2-7b37bf33e25e"}
      {"type":"turn.started"}
      {"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"coordd",\
      "tool":"task_show","arguments":{"id":"no-such-task"},"result":{"content":[{"type":"text",\
      "text":"no task with id no-such-task"}],"structured_content":null},"error":null,\
      "status":"failed"}}
      {"type":"item.completed","item":{"id":"item_2","type":"mcp_tool_call","server":"coordd",\
      "tool":"task_claim","arguments":{"agent":"codex-e2e","types":["review"]},"result":\
      {"content":[{"type":"text","text":"{\\"tasks\\":[{\\"id\\":\\"01a232cb-c2e5-71cc-bf4b-\
      1396d48822dd\\",\\"status\\":\\"running\\"}]}"}],"structured_content":null},"error":null,\
      "status":"completed"}}
      {"type":"item.completed","item":{"id":"item_3","type":"mcp_tool_call","server":"coordd",\
      "tool":"task_complete","arguments":{"id":"01a232cb-c2e5-71cc-bf4b-1396d48822dd",\
      "agent":"codex-e2e","result":{"summary":"parser ok"}},"result":{"content":[{"type":"text",\
      "text":"{\\"id\\":\\"01a232cb-c2e5-71cc-bf4b-1396d48822dd\\",\\"status\\":\\"succeeded\\"}"}],\
      "structured_content":null},"error":null,"status":"completed"}}
      {"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"Done: parser ok"}}
      {"type":"turn.completed","usage":{"input_tokens":400,"cached_input_tokens":0,\
      "cache_write_input_tokens":0,"output_tokens":80,"reasoning_output_tokens":0}}
      """;

  private static final String NO_MESSAGE =
      """
      {"type":"thread.started","thread_id":"0199a213-0000-7800-8aa1-bbab2a035a53"}
      {"type":"turn.started"}
      """;

  @TempDir Path tmp;
  CapturedOutput codex;

  @BeforeEach
  void setUp() {
    codex = new CapturedOutput(tmp, "codex");
  }

  @Test
  void codex_events_give_the_last_agent_message_and_the_thread_id() throws Exception {
    JsonNode answer = codex.answer(EVENTS);

    assertThat(answer.get("agentType").asText()).isEqualTo("codex");
    assertThat(answer.get("text").asText()).isEqualTo("The repo has a README.");
    assertThat(answer.get("sessionId").asText()).isEqualTo("0199a213-81c0-7800-8aa1-bbab2a035a53");
    assertThat(answer.get("turns").asInt()).isEqualTo(1);
    assertThat(answer.at("/raw/item/id").asText()).isEqualTo("item_3");
    assertThat(answer.get("costUsd").isNull()).isTrue();
  }

  @Test
  void older_codex_events_are_read_too() throws Exception {
    JsonNode answer = codex.answer(LEGACY_EVENTS);

    assertThat(answer.get("text").asText()).isEqualTo("Hi there.");
    assertThat(answer.get("sessionId").asText()).isEqualTo("5973b6c0-94b8-487b-a530-2aeb6098ae0e");
  }

  @Test
  void a_failed_codex_turn_is_an_agent_error() throws Exception {
    TaskFailure failure = codex.exitingWith(1).failure(FAILED_TURN);

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.getMessage()).contains("stream disconnected before completion");
  }

  @Test
  void the_real_clis_authentication_error_with_exit_1_is_an_agent_error_naming_the_thread()
      throws Exception {
    TaskFailure failure = codex.exitingWith(1).failure(REAL_AUTH_ERROR);

    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .contains("401 Unauthorized", "in session 01a2329f-9a8c-75a1-b24e-4abaea4be9a9");
  }

  @Test
  void an_error_item_is_a_warning_not_a_failure() throws Exception {
    JsonNode answer = codex.answer(REAL_WARNING_THEN_ANSWER);

    assertThat(answer.get("text").asText()).isEqualTo("hello");
    assertThat(answer.get("sessionId").asText()).isEqualTo("01a2329a-a303-7641-b827-69d0e1ffacf9");
  }

  @Test
  void a_refused_tool_call_fails_the_run_naming_the_thread_though_codex_exited_0()
      throws Exception {
    TaskFailure failure = codex.failure(REAL_REFUSED_TOOL_CALL);

    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .startsWith("codex was refused 1 tool call(s) (coordd.task_claim)")
        .contains(
            "in session 01a232cb-d6a9-7da0-a3f0-1bc853b706da",
            "MCP tool call requires approval, but approval policy is never",
            "default_tools_approval_mode");
  }

  @Test
  void a_tool_call_that_answered_an_error_the_agent_got_over_is_no_failure() throws Exception {
    JsonNode answer = codex.answer(REAL_TOOL_ERROR_THEN_DONE);

    assertThat(answer.get("text").asText()).isEqualTo("Done: parser ok");
    assertThat(answer.get("sessionId").asText()).isEqualTo("01a232cb-c510-7930-9dc2-7b37bf33e25e");
    assertThat(answer.get("turns").asInt()).isEqualTo(1);
  }

  @Test
  void a_refused_tool_call_fails_the_run_even_when_later_calls_succeeded() throws Exception {
    String refusedThenDone =
        REAL_TOOL_ERROR_THEN_DONE.replace(
            "\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"no task with id"
                + " no-such-task\"}],\"structured_content\":null},\"error\":null",
            "\"result\":null,\"error\":{\"message\":\"MCP tool call requires approval, but"
                + " approval policy is never\"}");
    assertThat(refusedThenDone).isNotEqualTo(REAL_TOOL_ERROR_THEN_DONE);

    TaskFailure failure = codex.failure(refusedThenDone);

    assertThat(failure.kind()).isEqualTo("agent_error");
    assertThat(failure.getMessage())
        .contains("(coordd.task_show)", "in session 01a232cb-c510-7930-9dc2-7b37bf33e25e");
  }

  @Test
  void codex_output_without_an_agent_message_is_an_invalid_result() throws Exception {
    TaskFailure failure = codex.failure(NO_MESSAGE);

    assertThat(failure.kind()).isEqualTo("invalid_result");
    assertThat(failure.getMessage()).startsWith("no agent message in codex output");
  }
}
