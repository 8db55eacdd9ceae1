package dev.coordd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.coordd.api.CoorddException;
import dev.coordd.daemon.config.DaemonConfig.Synchronous;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path root; // the folder that holds the home: relative paths resolve here
  Path home;

  @BeforeEach
  void makeHome() throws IOException {
    home = Files.createDirectory(root.resolve(".coordd"));
  }

  private void writeConfig(String json) throws IOException {
    Files.writeString(home.resolve("config.json"), json);
  }

  private DaemonConfig load() {
    return ConfigLoader.load(home, Map.of(), Map.of());
  }

  /** Loads expecting failure and returns the problems, one per line. */
  private List<String> problems(Map<String, String> env, Map<String, String> overrides) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(home, env, overrides));
    assertThat(e).as("expected a ConfigException").isNotNull();
    return e.problems();
  }

  private List<String> fileProblems(String json) throws IOException {
    writeConfig(json);
    return problems(Map.of(), Map.of());
  }

  @Test
  void defaults_without_config_file() {
    assertThat(load()).isEqualTo(DaemonConfig.defaults(home));
  }

  @Test
  void the_schema_keys_are_the_record_components_except_home() {
    List<String> components =
        Arrays.stream(DaemonConfig.class.getRecordComponents())
            .map(RecordComponent::getName)
            .filter(n -> !n.equals("home"))
            .toList();
    List<String> schemaKeys =
        ConfigLoader.settings().stream().map(p -> p.split("\\.")[0]).distinct().toList();
    assertThat(schemaKeys).isEqualTo(components);
  }

  @Test
  void file_sets_every_kind_of_value() throws IOException {
    Files.createDirectory(root.resolve("work"));
    writeConfig(
        """
        {
          "name": "builder-1",
          "pollInterval": "250ms",
          "concurrency": 4,
          "leaseDuration": "1m30s",
          "heartbeatInterval": "PT5S",
          "offlineAfter": "1d",
          "shutdownGrace": 2000,
          "defaultMaxAttempts": 7,
          "defaultTimeout": "10m",
          "retryBackoffBase": "2s",
          "retryBackoffMax": "1h",
          "maxPayloadBytes": 2048,
          "synchronous": "normal",
          "busyTimeout": "3s",
          "fileRoots": ["work"],
          "fileMaxReadBytes": 4096
        }
        """);
    DaemonConfig c = load();
    assertThat(c.home()).isEqualTo(home.toAbsolutePath().normalize());
    assertThat(c.name()).isEqualTo("builder-1");
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.concurrency()).isEqualTo(4);
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.offlineAfter()).isEqualTo(Duration.ofDays(1));
    assertThat(c.shutdownGrace()).as("integers are milliseconds").isEqualTo(Duration.ofSeconds(2));
    assertThat(c.defaultMaxAttempts()).isEqualTo(7);
    assertThat(c.defaultTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofHours(1));
    assertThat(c.maxPayloadBytes()).isEqualTo(2048);
    assertThat(c.synchronous()).isEqualTo(Synchronous.NORMAL);
    assertThat(c.busyTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.fileRoots()).containsExactly(root.resolve("work").toAbsolutePath().normalize());
    assertThat(c.fileMaxReadBytes()).isEqualTo(4096);
  }

  @Test
  void unset_keys_keep_their_defaults() throws IOException {
    writeConfig("{\"name\": \"solo\"}");
    DaemonConfig c = load();
    assertThat(c.name()).isEqualTo("solo");
    assertThat(c.concurrency()).isEqualTo(DaemonConfig.DEFAULT_CONCURRENCY);
    assertThat(c.fileRoots()).containsExactly(root.toAbsolutePath().normalize());
  }

  @Test
  void env_overrides_file() throws IOException {
    writeConfig("{\"pollInterval\": \"10s\", \"concurrency\": 2, \"name\": \"from-file\"}");
    DaemonConfig c =
        ConfigLoader.load(
            home, Map.of("COORDD_POLL_INTERVAL", "1s", "COORDD_CONCURRENCY", "8"), Map.of());
    assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.concurrency()).isEqualTo(8);
    assertThat(c.name()).as("untouched by env").isEqualTo("from-file");
  }

  @Test
  void overrides_beat_env_and_file() throws IOException {
    writeConfig("{\"name\": \"from-file\"}");
    DaemonConfig c =
        ConfigLoader.load(home, Map.of("COORDD_NAME", "from-env"), Map.of("name", "from-cli"));
    assertThat(c.name()).isEqualTo("from-cli");
  }

  @Test
  void env_file_roots_are_a_path_list_resolved_against_the_home_parent() throws IOException {
    Path a = Files.createDirectory(root.resolve("a"));
    Path b = Files.createDirectories(root.resolve("elsewhere/b"));
    String list = "a" + File.pathSeparator + b + File.pathSeparator; // trailing separator is fine
    DaemonConfig c = ConfigLoader.load(home, Map.of("COORDD_FILE_ROOTS", list), Map.of());
    assertThat(c.fileRoots()).containsExactly(a.toAbsolutePath(), b.toAbsolutePath());
  }

  @Test
  void relative_paths_are_stored_absolute_and_normalized() throws IOException {
    Path shared = Files.createDirectory(root.resolve("shared"));
    writeConfig("{\"fileRoots\": [\"./x/../shared\"]}");
    Files.createDirectory(root.resolve("x"));
    assertThat(load().fileRoots()).containsExactly(shared.toAbsolutePath().normalize());
  }

  @Test
  void unrelated_env_and_coordd_home_are_ignored() {
    DaemonConfig c =
        ConfigLoader.load(
            home, Map.of("PATH", "/bin", "COORDD_HOME", "/somewhere", "HOME", "/root"), Map.of());
    assertThat(c).isEqualTo(DaemonConfig.defaults(home));
  }

  @Test
  void unknown_key_suggests_closest() throws IOException {
    assertThat(fileProblems("{\"pollIntervl\": \"5s\"}"))
        .containsExactly(
            "config.json: unknown key \"pollIntervl\"; did you mean \"pollInterval\"?");
  }

  @Test
  void unknown_key_in_any_case_suggests_the_right_spelling() throws IOException {
    assertThat(fileProblems("{\"maxpayloadbytes\": 2048}"))
        .singleElement(STRING)
        .contains("did you mean \"maxPayloadBytes\"?");
  }

  @Test
  void unknown_key_far_from_any_lists_the_known_keys() throws IOException {
    assertThat(fileProblems("{\"colour\": \"blue\"}"))
        .singleElement(STRING)
        .contains("unknown key \"colour\"")
        .contains("known: name, pollInterval");
  }

  @Test
  void an_unknown_set_key_suggests_the_setting() {
    assertThat(problems(Map.of(), Map.of("nmae", "x")))
        .containsExactly("--set nmae: unknown setting; did you mean \"name\"?");
  }

  @Test
  void unknown_coordd_variables_never_stop_the_daemon() {
    // A near miss of a setting is only logged; a variable meant for other commands is ignored.
    DaemonConfig c =
        ConfigLoader.load(
            home, Map.of("COORDD_POLL_INTERVL", "5s", "COORDD_SESSION_TAG", "x"), Map.of());
    assertThat(c).isEqualTo(DaemonConfig.defaults(home));
  }

  @Test
  void a_bad_value_of_a_known_variable_still_stops_the_daemon() {
    assertThat(problems(Map.of("COORDD_POLL_INTERVAL", "soon", "COORDD_OTHER", "x"), Map.of()))
        .singleElement(STRING)
        .startsWith("COORDD_POLL_INTERVAL: pollInterval = \"soon\": must be a duration");
  }

  @Test
  void wrong_json_type_names_expected_and_actual() throws IOException {
    assertThat(
            fileProblems("{\"concurrency\": \"4\", \"pollInterval\": true, \"fileRoots\": \"a\"}"))
        .containsExactly(
            "config.json: concurrency = \"4\": must be a whole number from 1 to 1024, not a"
                + " string",
            "config.json: pollInterval = true: must be a duration string like \"5s\" or a whole"
                + " number of milliseconds, not a boolean",
            "config.json: fileRoots = \"a\": must be an array of directory paths, not a string");
  }

  @Test
  void fractional_number_is_not_a_whole_number() throws IOException {
    assertThat(fileProblems("{\"defaultMaxAttempts\": 2.5}"))
        .containsExactly(
            "config.json: defaultMaxAttempts = 2.5: must be a whole number from 1 to 100");
  }

  @Test
  void null_is_not_a_value() throws IOException {
    assertThat(fileProblems("{\"name\": null}"))
        .singleElement(STRING)
        .startsWith("config.json: name = null: must be");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "concurrency        | 0        | a whole number from 1 to 1024",
        "concurrency        | 1025     | a whole number from 1 to 1024",
        "defaultMaxAttempts | 0        | a whole number from 1 to 100",
        "defaultMaxAttempts | 101      | a whole number from 1 to 100",
        "maxPayloadBytes    | 1023     | a whole number of bytes from 1024 (1 KiB) to 67108864 (64 MiB)",
        "maxPayloadBytes    | 67108865 | a whole number of bytes from 1024 (1 KiB) to 67108864 (64 MiB)",
        "fileMaxReadBytes   | 0        | a positive whole number of bytes",
        "pollInterval       | 0        | at least 1ms",
        "leaseDuration      | -5       | at least 1ms",
        "busyTimeout        | 0        | at least 1ms",
      })
  void out_of_range_numbers_are_rejected(String key, long value, String allowed)
      throws IOException {
    assertThat(fileProblems("{\"" + key + "\": " + value + "}"))
        .containsExactly("config.json: " + key + " = " + value + ": must be " + allowed);
  }

  @Test
  void range_limits_themselves_are_allowed() throws IOException {
    writeConfig(
        "{\"concurrency\": 1024, \"defaultMaxAttempts\": 100, \"maxPayloadBytes\": 1024,"
            + " \"pollInterval\": 1}");
    DaemonConfig c = load();
    assertThat(c.concurrency()).isEqualTo(1024);
    assertThat(c.defaultMaxAttempts()).isEqualTo(100);
    assertThat(c.maxPayloadBytes()).isEqualTo(1024);
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void bad_duration_text_says_the_allowed_forms() {
    assertThat(problems(Map.of("COORDD_LEASE_DURATION", "30 seconds"), Map.of()))
        .singleElement(STRING)
        .startsWith("COORDD_LEASE_DURATION: leaseDuration = \"30 seconds\": must be a duration")
        .contains("1m30s", "PT5S", "milliseconds");
  }

  @Test
  void name_must_be_a_simple_identifier() {
    assertThat(ConfigLoader.load(home, Map.of(), Map.of("name", "a.b_c-9")).name())
        .isEqualTo("a.b_c-9");
    for (String bad : List.of("", "-lead", "has space", "x".repeat(129), "ünï")) {
      assertThat(problems(Map.of(), Map.of("name", bad)))
          .as(bad)
          .singleElement(STRING)
          .startsWith("--set name: name = ")
          .endsWith("(starting with a letter or digit)");
    }
  }

  @Test
  void synchronous_is_full_or_normal_in_any_case() {
    assertThat(
            ConfigLoader.load(home, Map.of("COORDD_SYNCHRONOUS", "Full"), Map.of()).synchronous())
        .isEqualTo(Synchronous.FULL);
    assertThat(problems(Map.of("COORDD_SYNCHRONOUS", "OFF"), Map.of()))
        .containsExactly(
            "COORDD_SYNCHRONOUS: synchronous = \"OFF\": must be FULL or NORMAL (any case)");
  }

  @Test
  void env_integers_must_be_numbers() {
    assertThat(problems(Map.of("COORDD_CONCURRENCY", "lots"), Map.of()))
        .containsExactly(
            "COORDD_CONCURRENCY: concurrency = \"lots\": must be a whole number from 1 to 1024");
  }

  @Test
  void missing_file_root_is_reported_with_its_resolved_path() throws IOException {
    Files.createDirectory(root.resolve("ok"));
    Files.writeString(root.resolve("plain.txt"), "not a folder");
    assertThat(fileProblems("{\"fileRoots\": [\"ok\", \"gone\", \"plain.txt\"]}"))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .startsWith(
                        "config.json: fileRoots[1] = \"gone\": must be an existing directory")
                    .contains(root.resolve("gone").toAbsolutePath().toString()),
            p -> assertThat(p).startsWith("config.json: fileRoots[2] = \"plain.txt\""));
  }

  @Test
  void commands_are_read_with_defaults_for_what_is_left_out() throws IOException {
    Files.createDirectory(root.resolve("scripts"));
    writeConfig(
        """
        {"commands": {
          "echo": {"command": ["cat"]},
          "build.app": {
            "command": ["make", "-C", "src"],
            "workingDirectory": "scripts",
            "timeout": "30s",
            "schema": {"type": "object", "required": ["target"]},
            "maxOutputBytes": 4096
          }
        }}
        """);
    Map<String, CommandHandlerConfig> commands = load().commands();
    assertThat(commands).containsOnlyKeys("echo", "build.app");

    CommandHandlerConfig echo = commands.get("echo");
    assertThat(echo.command()).containsExactly("cat");
    assertThat(echo.workingDirectory()).isNull();
    assertThat(echo.timeout()).isNull();
    assertThat(echo.schema()).isNull();
    assertThat(echo.maxOutputBytes()).isEqualTo(CommandHandlerConfig.DEFAULT_MAX_OUTPUT_BYTES);

    CommandHandlerConfig build = commands.get("build.app");
    assertThat(build.command()).containsExactly("make", "-C", "src");
    assertThat(build.workingDirectory()).isEqualTo(root.resolve("scripts").toAbsolutePath());
    assertThat(build.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(build.schema().get("required").get(0).asText()).isEqualTo("target");
    assertThat(build.maxOutputBytes()).isEqualTo(4096);
  }

  @Test
  void null_in_a_handler_means_not_given() throws IOException {
    writeConfig(
        """
        {"commands": {"echo": {"command": ["cat"], "timeout": null, "schema": null,
          "workingDirectory": null, "maxOutputBytes": null}},
         "agentRunners": {"a": {"command": ["a", "{command}"], "output": null}}}
        """);
    DaemonConfig c = load();
    assertThat(c.commands().get("echo"))
        .isEqualTo(
            new CommandHandlerConfig(
                List.of("cat"), null, null, null, CommandHandlerConfig.DEFAULT_MAX_OUTPUT_BYTES));
    assertThat(c.agentRunners().get("a").output()).isEqualTo(AgentRunnerConfig.DEFAULT_OUTPUT);
  }

  @Test
  void commands_can_come_from_env_as_json() {
    DaemonConfig c =
        ConfigLoader.load(
            home, Map.of("COORDD_COMMANDS", "{\"echo\": {\"command\": [\"cat\"]}}"), Map.of());
    assertThat(c.commands().get("echo").command()).containsExactly("cat");
  }

  @Test
  void command_must_be_an_argv_not_a_shell_string() throws IOException {
    assertThat(
            fileProblems(
                """
                {"commands": {
                  "a": {"command": "make all"},
                  "b": {"command": []},
                  "c": {"command": ["make", ""]},
                  "d": {"timeout": "5s"}
                }}
                """))
        .containsExactly(
            "config.json: commands.a.command = \"make all\": must be a non-empty array of"
                + " non-empty strings, like [\"program\", \"arg\"], not a string",
            "config.json: commands.b.command = []: must be a non-empty array of non-empty"
                + " strings, like [\"program\", \"arg\"]",
            "config.json: commands.c.command = [\"make\",\"\"]: must be a non-empty array of"
                + " non-empty strings, like [\"program\", \"arg\"]",
            "config.json: commands.d.command is missing: it must be a non-empty array of non-empty strings,"
                + " like [\"program\", \"arg\"]");
  }

  @Test
  void command_type_names_are_checked_and_built_ins_are_reserved() throws IOException {
    assertThat(
            fileProblems(
                """
                {"commands": {
                  "has space": {"command": ["make"]},
                  "file_operation": {"command": ["cp"]}
                }}
                """))
        .containsExactly(
            "config.json: commands = \"has space\": must be a type name of 1-128 letters,"
                + " digits and . _ @ : - (starting with a letter or digit)",
            "config.json: commands = \"file_operation\": is a built-in task type (coordination,"
                + " file_operation, invoke_agent); choose another name");
  }

  @Test
  void command_fields_are_checked() throws IOException {
    assertThat(
            fileProblems(
                """
                {"commands": {"x": {
                  "command": ["run"],
                  "workingDir": "scripts",
                  "workingDirectory": "missing",
                  "timeout": "0s",
                  "schema": "object",
                  "maxOutputBytes": 0
                }}}
                """))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "config.json: unknown key \"commands.x.workingDir\"; did you mean"
                            + " \"workingDirectory\"?"),
            p ->
                assertThat(p)
                    .isEqualTo("config.json: commands.x.timeout = \"0s\": must be at least 1ms"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "config.json: commands.x.schema = \"object\": must be a JSON Schema: an"
                            + " object or a boolean, not a string"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "config.json: commands.x.maxOutputBytes = 0: must be a whole number of"
                            + " bytes from 1 to 67108864 (64 MiB)"),
            // Checked after binding, so it comes after what the schema found.
            p ->
                assertThat(p)
                    .startsWith(
                        "config.json: commands.x.workingDirectory = \"missing\": must be an"
                            + " existing directory"));
  }

  @Test
  void all_errors_reported_together() throws IOException {
    writeConfig("{\"concurrency\": 0, \"name\": \"bad name\", \"sychronous\": \"FULL\"}");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                ConfigLoader.load(
                    home,
                    Map.of("COORDD_POLL_INTERVAL", "soon"),
                    Map.of("defaultMaxAttempts", "1000")));
    assertThat(e.problems())
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).startsWith("config.json: concurrency = 0"))
        .anySatisfy(p -> assertThat(p).startsWith("config.json: name = \"bad name\""))
        .anySatisfy(p -> assertThat(p).contains("did you mean \"synchronous\"?"))
        .anySatisfy(p -> assertThat(p).startsWith("COORDD_POLL_INTERVAL: pollInterval = \"soon\""))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("--set defaultMaxAttempts: defaultMaxAttempts = \"1000\""));
    assertThat(e.getMessage()).startsWith("invalid configuration (5 problems):");
    e.problems().forEach(p -> assertThat(e.getMessage()).contains("\n  - " + p));
  }

  @Test
  void a_value_overridden_later_is_still_checked() throws IOException {
    writeConfig("{\"concurrency\": 0}");
    assertThat(problems(Map.of("COORDD_CONCURRENCY", "4"), Map.of()))
        .singleElement(STRING)
        .startsWith("config.json: concurrency = 0");
  }

  @Test
  void malformed_json_reports_line_and_column() throws IOException {
    assertThat(fileProblems("{\n  \"name\": \"x\",\n  \"concurrency\": 4,,\n}"))
        .singleElement(STRING)
        .startsWith("config.json: not valid JSON at line 3, column 20");
  }

  @Test
  void duplicate_json_keys_are_rejected() throws IOException {
    assertThat(fileProblems("{\"name\": \"a\", \"name\": \"b\"}"))
        .singleElement(STRING)
        .startsWith("config.json: not valid JSON at line 1")
        .contains("Duplicate field 'name'");
  }

  @Test
  void config_file_must_hold_an_object() throws IOException {
    assertThat(fileProblems("[1, 2]"))
        .containsExactly("config.json: must be a JSON object of settings, not an array");
    assertThat(fileProblems("  "))
        .containsExactly("config.json: is empty; write {} for no settings");
  }

  @Test
  void config_exception_has_code_config_and_a_one_line_message_for_one_problem()
      throws IOException {
    writeConfig("{\"concurrency\": 0}");
    ConfigException e = catchThrowableOfType(ConfigException.class, this::load);
    assertThat(e).isInstanceOf(CoorddException.class);
    assertThat(e.code()).isEqualTo("config");
    assertThat(e.getMessage())
        .isEqualTo(
            "invalid configuration: config.json: concurrency = 0: must be a whole number from 1"
                + " to 1024");
  }

  @Test
  void agent_runners_are_read_with_defaults_for_what_is_left_out() throws IOException {
    writeConfig(
        """
        {"agentRunners": {
          "claude": {"command": ["claude", "-p", "{command}", "--output-format", "json"]},
          "codex": {
            "command": ["codex", "exec", "--json", "-C", "{cwd}"],
            "promptVia": "stdin",
            "timeout": "10m",
            "idleTimeout": 90000,
            "output": "codex",
            "resumeArgs": ["--resume", "{sessionId}"],
            "maxOutputBytes": 4096
          }
        }}
        """);
    Map<String, AgentRunnerConfig> runners = load().agentRunners();
    assertThat(runners).containsOnlyKeys("claude", "codex");

    AgentRunnerConfig claude = runners.get("claude");
    assertThat(claude.command())
        .containsExactly("claude", "-p", "{command}", "--output-format", "json");
    assertThat(claude.promptVia()).isEqualTo(AgentRunnerConfig.DEFAULT_PROMPT_VIA);
    assertThat(claude.timeout()).isEqualTo(AgentRunnerConfig.DEFAULT_TIMEOUT);
    assertThat(claude.idleTimeout()).isEqualTo(AgentRunnerConfig.DEFAULT_IDLE_TIMEOUT);
    assertThat(claude.output()).isEqualTo(AgentRunnerConfig.DEFAULT_OUTPUT);
    assertThat(claude.resumeArgs()).isEmpty();
    assertThat(claude.maxOutputBytes()).isEqualTo(AgentRunnerConfig.DEFAULT_MAX_OUTPUT_BYTES);

    AgentRunnerConfig codex = runners.get("codex");
    assertThat(codex.command()).containsExactly("codex", "exec", "--json", "-C", "{cwd}");
    assertThat(codex.promptVia()).isEqualTo("stdin");
    assertThat(codex.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(codex.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(codex.output()).isEqualTo("codex");
    assertThat(codex.resumeArgs()).containsExactly("--resume", "{sessionId}");
    assertThat(codex.maxOutputBytes()).isEqualTo(4096);
  }

  @Test
  void agent_runners_and_invocation_expiry_default_to_none_and_a_day() {
    DaemonConfig c = load();
    assertThat(c.agentRunners()).isEmpty();
    assertThat(c.invocationExpiry()).isEqualTo(DaemonConfig.DEFAULT_INVOCATION_EXPIRY);
  }

  @Test
  void agent_runners_can_come_from_env_and_options_as_json() {
    DaemonConfig fromEnv =
        ConfigLoader.load(
            home,
            Map.of(
                "COORDD_AGENT_RUNNERS",
                "{\"gemini\": {\"command\": [\"gemini\", \"-p\","
                    + " \"{command}\"], \"output\": \"gemini\"}}"),
            Map.of());
    assertThat(fromEnv.agentRunners().get("gemini").output()).isEqualTo("gemini");

    DaemonConfig fromOption =
        ConfigLoader.load(
            home,
            Map.of(),
            Map.of("agentRunners", "{\"x\": {\"command\": [\"x\"], \"promptVia\": \"stdin\"}}"));
    assertThat(fromOption.agentRunners().get("x").promptVia()).isEqualTo("stdin");
  }

  @Test
  void agent_runners_from_env_must_be_json() {
    assertThat(problems(Map.of("COORDD_AGENT_RUNNERS", "claude -p"), Map.of()))
        .singleElement(STRING)
        .startsWith(
            "COORDD_AGENT_RUNNERS: agentRunners = \"claude -p\": must be a JSON object; not"
                + " valid JSON");
  }

  @Test
  void agent_runner_with_prompt_via_argv_needs_the_command_placeholder() throws IOException {
    assertThat(
            fileProblems("{\"agentRunners\": {\"claude\": {\"command\": [\"claude\", \"-p\"]}}}"))
        .containsExactly(
            "config.json: agentRunners.claude.command = [\"claude\",\"-p\"]: must have an"
                + " argument containing {command}, which the prompt replaces when promptVia is"
                + " \"argv\" (or set promptVia to \"stdin\")");
  }

  @Test
  void the_placeholder_may_be_part_of_an_argument_and_is_not_needed_with_stdin()
      throws IOException {
    writeConfig(
        """
        {"agentRunners": {
          "a": {"command": ["agent", "--prompt={command}"]},
          "b": {"command": ["agent", "-"], "promptVia": "stdin"}
        }}
        """);
    assertThat(load().agentRunners()).containsOnlyKeys("a", "b");
  }

  @Test
  void agent_runner_fields_are_checked() throws IOException {
    assertThat(
            fileProblems(
                """
                {"agentRunners": {"claude": {
                  "command": ["claude", "{command}"],
                  "idleTimout": "1m",
                  "promptVia": "pipe",
                  "timeout": "soon",
                  "idleTimeout": 0,
                  "output": "xml",
                  "resumeArgs": "--resume",
                  "maxOutputBytes": 10
                }}}
                """))
        .containsExactly(
            "config.json: unknown key \"agentRunners.claude.idleTimout\"; did you mean"
                + " \"idleTimeout\"?",
            "config.json: agentRunners.claude.promptVia = \"pipe\": must be one of \"argv\","
                + " \"stdin\"",
            "config.json: agentRunners.claude.timeout = \"soon\": must be "
                + Durations.ALLOWED_FORMS,
            "config.json: agentRunners.claude.idleTimeout = 0: must be at least 1ms",
            "config.json: agentRunners.claude.output = \"xml\": must be one of \"claude\","
                + " \"codex\", \"gemini\", \"json\", \"text\"",
            "config.json: agentRunners.claude.resumeArgs = \"--resume\": must be an array of"
                + " non-empty strings, like [\"--resume\", \"{sessionId}\"], not a string",
            "config.json: agentRunners.claude.maxOutputBytes = 10: must be a whole number of"
                + " bytes from 1024 (1 KiB) to 268435456 (256 MiB)");
  }

  @Test
  void agent_runner_command_must_be_an_argv_and_type_names_are_checked() throws IOException {
    assertThat(
            fileProblems(
                """
                {"agentRunners": {
                  "has space": {"command": ["claude", "{command}"]},
                  "a": {"command": "claude -p {command}"},
                  "b": {"output": "json"},
                  "c": "claude"
                }}
                """))
        .containsExactly(
            "config.json: agentRunners = \"has space\": must be a type name of 1-128 letters,"
                + " digits and . _ @ : - (starting with a letter or digit)",
            "config.json: agentRunners.a.command = \"claude -p {command}\": must be a non-empty"
                + " array of non-empty strings, like [\"program\", \"arg\"], not a string",
            "config.json: agentRunners.b.command is missing: it must be a non-empty array of"
                + " non-empty strings, like [\"program\", \"arg\"]",
            "config.json: agentRunners.c = \"claude\": must be an object like {\"command\":"
                + " [\"claude\", \"-p\", \"{command}\"]}, not a string");
  }

  @Test
  void agent_runners_must_be_an_object() throws IOException {
    assertThat(fileProblems("{\"agentRunners\": [\"claude\"]}"))
        .singleElement(STRING)
        .startsWith("config.json: agentRunners = [\"claude\"]: must be an object of agent type");
  }

  @Test
  void invocation_expiry_is_a_duration_from_any_source() throws IOException {
    writeConfig("{\"invocationExpiry\": \"2h\"}");
    assertThat(load().invocationExpiry()).isEqualTo(Duration.ofHours(2));
    assertThat(
            ConfigLoader.load(home, Map.of("COORDD_INVOCATION_EXPIRY", "30m"), Map.of())
                .invocationExpiry())
        .isEqualTo(Duration.ofMinutes(30));
    assertThat(
            ConfigLoader.load(home, Map.of(), Map.of("invocationExpiry", "1d")).invocationExpiry())
        .isEqualTo(Duration.ofDays(1));
    assertThat(problems(Map.of("COORDD_INVOCATION_EXPIRY", "0s"), Map.of()))
        .containsExactly(
            "COORDD_INVOCATION_EXPIRY: invocationExpiry = \"0s\": must be at least 1ms");
  }

  @Test
  void env_and_option_names_follow_the_keys() {
    assertThat(ConfigLoader.envName("pollInterval")).isEqualTo("COORDD_POLL_INTERVAL");
    assertThat(ConfigLoader.envName("fileMaxReadBytes")).isEqualTo("COORDD_FILE_MAX_READ_BYTES");
    assertThat(ConfigLoader.envName("store.pool.maxSize")).isEqualTo("COORDD_STORE_POOL_MAX_SIZE");
    assertThat(ConfigLoader.envName("agentRunners")).isEqualTo("COORDD_AGENT_RUNNERS");
    assertThat(ConfigLoader.envName("invocationExpiry")).isEqualTo("COORDD_INVOCATION_EXPIRY");
  }

  @Test
  void queue_limits_are_read_and_checked() throws IOException {
    writeConfig("{\"queueLimits\": {\"build\": 2, \"deploy\": 1}, \"eventRetention\": \"3d\"}");
    DaemonConfig c = load();
    assertThat(c.queueLimits()).containsEntry("build", 2).containsEntry("deploy", 1);
    assertThat(c.eventRetention()).isEqualTo(Duration.ofDays(3));
    assertThat(fileProblems("{\"queueLimits\": {\"build\": 0}}"))
        .containsExactly(
            "config.json: queueLimits.build = 0: must be a whole number from 1 to 100000");
  }
}
