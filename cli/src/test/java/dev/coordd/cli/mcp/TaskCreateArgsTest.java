package dev.coordd.cli.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.client.CoorddClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code task_create} refuses a bad task the way every other door does (the daemon's {@code
 * TaskDoorsAgreeTest} has the same rows): naming the same field with the same rule, before it
 * connects to any daemon. The times and attempts it does not take are refused by name.
 */
class TaskCreateArgsTest {
  static final String NAME_RULE =
      "use 1-128 letters, digits and . _ @ : - (starting with a letter or digit)";

  @TempDir Path dir;
  final AtomicInteger connects = new AtomicInteger();

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "priority    | -1       | priority must be between 0 and 1000000, got -1",
        "type        | bad type | type 'bad type' is not a valid name: " + NAME_RULE,
        "assignedTo  | ../etc   | assignedTo '../etc' is not a valid name: " + NAME_RULE,
        "data        | [1]      | data must be a JSON object",
        "maxAttempts | 0        | unknown argument maxAttempts for task_create",
        "delay       | -5s      | unknown argument delay for task_create",
        "timeout     | 0s       | unknown argument timeout for task_create",
      })
  void a_bad_task_is_refused_naming_the_field_with_the_rule_every_door_gives(
      String field, String value, String message) {
    Map<String, Object> args = new HashMap<>(Map.of("type", "review", "assignedTo", "alice"));
    args.put(field, field.equals("data") ? List.of(1) : value);
    assertRefused(args, message);
  }

  @Test
  void a_description_over_the_limit_is_refused_with_the_limit() {
    assertRefused(
        Map.of("type", "review", "assignedTo", "alice", "description", "x".repeat(10_001)),
        "description is 10001 characters; the limit is 10000");
  }

  private void assertRefused(Map<String, Object> args, String message) {
    CoorddTools tools =
        new CoorddTools(
            () -> {
              connects.incrementAndGet();
              return CoorddClient.connect(dir.resolve("home"));
            });
    CallToolResult result = tools.call("task_create", args);
    assertThat(result.isError()).isTrue();
    assertThat(CoorddToolsTest.text(result)).contains(message);
    assertThat(connects).as("refused before connecting").hasValue(0);
  }
}
