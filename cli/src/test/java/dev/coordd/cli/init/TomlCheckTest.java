package dev.coordd.cli.init;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Jackson check that stands behind {@link CodexToml}'s text edit: whatever the edit produced,
 * it is written only if it parses to the user's file plus exactly coordd's entry.
 */
class TomlCheckTest {
  static final Path FILE = Path.of("/home/me/.codex/config.toml");
  static final String BY_HAND = "[mcp_servers.coordd]\ncommand = \"coordd\"";

  static final String USERS =
      """
      model = "o3"

      [mcp_servers.coordd]
      command = "/old/coordd"
      startup_timeout_sec = 20

      [profiles.fast]
      model = "o4-mini"
      """;

  ObjectNode want() throws Refused {
    return TomlCheck.withServer(
        TomlCheck.read(FILE, USERS), "coordd", "coordd", List.of("mcp", "--home", "/h"));
  }

  @Test
  void an_edit_holding_the_users_keys_and_exactly_the_new_entry_passes() throws Exception {
    String edited =
        USERS.replace(
            "command = \"/old/coordd\"",
            "command = \"coordd\"\nargs = [\"mcp\", \"--home\", \"/h\"]");

    TomlCheck.verify(FILE, edited, want(), BY_HAND);
  }

  @Test
  void an_edit_that_loses_a_key_of_the_user_is_refused_naming_it() {
    String edited =
        USERS
            .replace(
                "command = \"/old/coordd\"",
                "command = \"coordd\"\nargs = [\"mcp\", \"--home\", \"/h\"]")
            .replace("model = \"o4-mini\"\n", "");

    assertThatThrownBy(() -> TomlCheck.verify(FILE, edited, want(), BY_HAND))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("cannot edit " + FILE + " safely")
        .hasMessageContaining("would also change profiles.fast.model")
        .hasMessageContaining("nothing was changed")
        .hasMessageEndingWith(BY_HAND);
  }

  @Test
  void an_edit_that_sets_other_args_than_intended_is_refused() {
    String edited =
        USERS.replace("command = \"/old/coordd\"", "command = \"coordd\"\nargs = [\"mcp\"]");

    assertThatThrownBy(() -> TomlCheck.verify(FILE, edited, want(), BY_HAND))
        .hasMessageContaining("would also change mcp_servers.coordd.args");
  }

  @Test
  void an_edit_that_is_not_valid_toml_is_refused_with_the_line() {
    String edited = USERS + "[mcp_servers.coordd]\ncommand = \"coordd\"\n";

    assertThatThrownBy(() -> TomlCheck.verify(FILE, edited, want(), BY_HAND))
        .isInstanceOf(Refused.class)
        .hasMessageContaining("its edited text would not be valid TOML: line ");
  }

  @Test
  void a_file_that_is_not_valid_toml_is_refused_with_how_to_fix_it() {
    assertThatThrownBy(() -> TomlCheck.read(FILE, "model = \n"))
        .isInstanceOf(Refused.class)
        .hasMessageContaining(FILE + " is not valid TOML (line 1")
        .hasMessageContaining("fix the file or move it away");
  }
}
