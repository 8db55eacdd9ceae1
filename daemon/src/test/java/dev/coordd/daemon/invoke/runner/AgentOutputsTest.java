package dev.coordd.daemon.invoke.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentOutputsTest {
  @Test
  void names_lists_every_format_in_the_documented_order() {
    assertThat(AgentOutputs.names()).containsExactly("claude", "codex", "gemini", "json", "text");
  }

  @Test
  void each_name_finds_the_format_of_that_name() {
    for (String name : AgentOutputs.names()) {
      assertThat(AgentOutputs.find(name))
          .hasValueSatisfying(o -> assertThat(o.name()).isEqualTo(name));
    }
  }

  @Test
  void an_unknown_name_finds_nothing() {
    assertThat(AgentOutputs.find("aider")).isEmpty();
    assertThat(AgentOutputs.find("Claude")).as("names are exact").isEmpty();
  }
}
