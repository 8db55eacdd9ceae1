package dev.coordd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.invoke.runner.AgentOutputs;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.store.StoreSettings.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sections the next features use (store, http, retention) and the schema's own promises. */
class ConfigSectionsTest {
  @TempDir Path root;
  Path home;

  @BeforeEach
  void makeHome() throws IOException {
    home = Files.createDirectory(root.resolve(".coordd"));
  }

  private void writeConfig(String json) throws IOException {
    Files.writeString(home.resolve("config.json"), json);
  }

  private List<String> problems(Map<String, String> env, Map<String, String> overrides) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(home, env, overrides));
    assertThat(e).as("expected a ConfigException").isNotNull();
    return e.problems();
  }

  @Test
  void new_sections_have_their_documented_defaults() {
    DaemonConfig c = DaemonConfig.defaults(home);
    assertThat(c.store().kind()).isEqualTo(Kind.SQLITE);
    assertThat(c.store().url()).isNull();
    assertThat(c.store().pool().maxSize()).isEqualTo(10);
    assertThat(c.store().pool().connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.http().enabled()).isFalse();
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(7440);
    assertThat(c.retention().succeeded()).isEqualTo(Duration.ofDays(7));
    assertThat(c.retention().failed()).isEqualTo(Duration.ofDays(30));
    assertThat(c.retention().inbox()).isEqualTo(Duration.ofDays(7));
    assertThat(c.retention().invocations()).isEqualTo(Duration.ofDays(30));
    assertThat(c.retention()).isEqualTo(RetentionConfig.defaults());
  }

  @Test
  void schema_defaults_are_the_default_constants() {
    DaemonConfig c = DaemonConfig.defaults(home);
    assertThat(c.name()).isEqualTo(DaemonConfig.DEFAULT_NAME);
    assertThat(c.pollInterval()).isEqualTo(DaemonConfig.DEFAULT_POLL_INTERVAL);
    assertThat(c.concurrency()).isEqualTo(DaemonConfig.DEFAULT_CONCURRENCY);
    assertThat(c.leaseDuration()).isEqualTo(DaemonConfig.DEFAULT_LEASE_DURATION);
    assertThat(c.heartbeatInterval()).isEqualTo(DaemonConfig.DEFAULT_HEARTBEAT_INTERVAL);
    assertThat(c.offlineAfter()).isEqualTo(DaemonConfig.DEFAULT_OFFLINE_AFTER);
    assertThat(c.shutdownGrace()).isEqualTo(DaemonConfig.DEFAULT_SHUTDOWN_GRACE);
    assertThat(c.defaultMaxAttempts()).isEqualTo(DaemonConfig.DEFAULT_MAX_ATTEMPTS);
    assertThat(c.defaultTimeout()).isEqualTo(DaemonConfig.DEFAULT_TIMEOUT);
    assertThat(c.retryBackoffBase()).isEqualTo(DaemonConfig.DEFAULT_RETRY_BACKOFF_BASE);
    assertThat(c.retryBackoffMax()).isEqualTo(DaemonConfig.DEFAULT_RETRY_BACKOFF_MAX);
    assertThat(c.maxPayloadBytes()).isEqualTo(DaemonConfig.DEFAULT_MAX_PAYLOAD_BYTES);
    assertThat(c.synchronous()).isEqualTo(DaemonConfig.DEFAULT_SYNCHRONOUS);
    assertThat(c.busyTimeout()).isEqualTo(DaemonConfig.DEFAULT_BUSY_TIMEOUT);
    assertThat(c.fileRoots()).containsExactly(root.toAbsolutePath().normalize());
    assertThat(c.fileMaxReadBytes()).isEqualTo(DaemonConfig.DEFAULT_FILE_MAX_READ_BYTES);
    assertThat(c.invocationExpiry()).isEqualTo(DaemonConfig.DEFAULT_INVOCATION_EXPIRY);
    assertThat(c.eventRetention()).isEqualTo(DaemonConfig.DEFAULT_EVENT_RETENTION);
    assertThat(c.commands()).isEmpty();
    assertThat(c.agentRunners()).isEmpty();
    assertThat(c.eventRules()).isEmpty();
    assertThat(c.schedules()).isEmpty();
    assertThat(c.queueLimits()).isEmpty();
  }

  @Test
  void the_schema_uses_the_one_name_rule() {
    String rule = "^" + Rules.NAME.pattern() + "$";
    assertThat(ConfigSchema.ROOT.at("/properties/name/pattern").asText()).isEqualTo(rule);
    assertThat(ConfigSchema.ROOT.at("/$defs/typeName/pattern").asText()).isEqualTo(rule);
  }

  @Test
  void the_schema_offers_exactly_the_output_readers_the_runner_has() {
    // A new agent CLI is one AgentOutput class, its registry line and this enum: this test is
    // what keeps the enum (which editors complete from) in step with the readers.
    JsonNode output = ConfigSchema.ROOT.at("/$defs/agentRunner/properties/output");
    assertThat(output.path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(AgentOutputs.names());
    assertThat(output.path("x-hint").asText())
        .isEqualTo(
            "one of "
                + String.join(
                    ", ", AgentOutputs.names().stream().map(n -> "\"" + n + "\"").toList()));
  }

  @Test
  void a_task_type_create_task_accepts_is_a_valid_command_type() throws IOException {
    writeConfig("{\"commands\": {\"Build:app@2\": {\"command\": [\"make\"]}}}");
    assertThat(ConfigLoader.load(home, Map.of(), Map.of()).commands()).containsKey("Build:app@2");
  }

  @Test
  void a_postgres_store_from_the_file_and_the_environment() throws IOException {
    writeConfig(
        "{\"store\": {\"kind\": \"postgres\", \"url\": \"jdbc:postgresql://db:5432/coordd\"}}");
    DaemonConfig c = ConfigLoader.load(home, Map.of("COORDD_STORE_POOL_MAX_SIZE", "50"), Map.of());
    assertThat(c.store().kind()).isEqualTo(Kind.POSTGRES);
    assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db:5432/coordd");
    assertThat(c.store().pool().maxSize()).as("sections merge key by key").isEqualTo(50);
    assertThat(c.store().pool().connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void a_postgres_store_needs_its_url_and_sqlite_refuses_one() throws IOException {
    assertThat(problems(Map.of(), Map.of("store.kind", "postgres")))
        .singleElement(STRING)
        .isEqualTo(
            "--set store.kind: store.kind = \"postgres\": needs store.url too, a JDBC URL like"
                + " jdbc:postgresql://host:5432/coordd");
    writeConfig("{\"store\": {\"url\": \"jdbc:postgresql://db/coordd\"}}");
    assertThat(problems(Map.of(), Map.of()))
        .singleElement(STRING)
        .startsWith(
            "config.json: store.url = \"jdbc:postgresql://db/coordd\": is only for store.kind"
                + " \"postgres\"");
  }

  @Test
  void store_values_are_checked() throws IOException {
    writeConfig(
        """
        {"store": {"kind": "mysql", "url": "postgres://db", "pool": {"maxSize": 0,
          "connectionTimeout": "soon", "min": 1}}}
        """);
    assertThat(problems(Map.of(), Map.of()))
        .containsExactly(
            "config.json: store.kind = \"mysql\": must be one of \"sqlite\", \"postgres\"",
            "config.json: store.url = \"postgres://db\": must be a JDBC URL like"
                + " jdbc:postgresql://host:5432/coordd",
            "config.json: store.pool.maxSize = 0: must be a whole number from 1 to 1000",
            "config.json: store.pool.connectionTimeout = \"soon\": must be "
                + Durations.ALLOWED_FORMS,
            "config.json: unknown key \"store.pool.min\"; known: maxSize, connectionTimeout");
  }

  @Test
  void http_and_retention_from_every_source() throws IOException {
    writeConfig("{\"http\": {\"enabled\": true}, \"retention\": {\"succeeded\": \"90d\"}}");
    Map<String, String> set = new LinkedHashMap<>();
    set.put("http.port", "0");
    set.put("retention.inbox", "1d");
    set.put("http.allowRemote", "true");
    DaemonConfig c = ConfigLoader.load(home, Map.of("COORDD_HTTP_HOST", "0.0.0.0"), set);
    assertThat(c.http()).isEqualTo(new HttpConfig(true, "0.0.0.0", 0, true));
    assertThat(c.retention())
        .isEqualTo(
            new RetentionConfig(
                Duration.ofDays(90), Duration.ofDays(30), Duration.ofDays(1), Duration.ofDays(30)));
  }

  @Test
  void retention_values_are_checked_and_old_names_refused() throws IOException {
    assertThat(
            problems(
                Map.of("COORDD_RETENTION_FAILED", "soon"),
                Map.of("retention.succeeded", "0s", "retention.inbox", "-1d")))
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("retention.failed = \"soon\""))
        .anySatisfy(p -> assertThat(p).contains("retention.succeeded = \"0s\""))
        .anySatisfy(p -> assertThat(p).contains("retention.inbox = \"-1d\""));
    writeConfig("{\"retention\": {\"tasks\": \"30d\"}}");
    assertThat(problems(Map.of(), Map.of()))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("unknown key \"retention.tasks\""));
  }

  @Test
  void http_values_are_checked() {
    assertThat(problems(Map.of("COORDD_HTTP_ENABLED", "yes", "COORDD_HTTP_PORT", "-1"), Map.of()))
        .containsExactly(
            "COORDD_HTTP_ENABLED: http.enabled = \"yes\": must be true or false",
            "COORDD_HTTP_PORT: http.port = \"-1\": must be a port number from 0 to 65535");
  }

  @Test
  void a_host_beyond_this_machine_needs_allow_remote() {
    assertThat(problems(Map.of("COORDD_HTTP_HOST", "0.0.0.0"), Map.of()))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("COORDD_HTTP_HOST: http.host = \"0.0.0.0\"")
                    .contains("set http.allowRemote to true"));
    assertThat(ConfigLoader.load(home, Map.of("COORDD_HTTP_HOST", "::1"), Map.of()).http().host())
        .isEqualTo("::1");
    assertThat(
            ConfigLoader.load(home, Map.of(), Map.of("http.host", "localhost")).http().loopback())
        .isTrue();
  }

  @Test
  void a_whole_section_can_be_set_as_json() {
    DaemonConfig c =
        ConfigLoader.load(home, Map.of(), Map.of("http", "{\"enabled\": true, \"port\": 8080}"));
    assertThat(c.http()).isEqualTo(new HttpConfig(true, "127.0.0.1", 8080));
  }

  @Test
  void every_setting_has_an_environment_variable() {
    assertThat(ConfigLoader.settings())
        .contains(
            "pollInterval", "store.kind", "store.pool.maxSize", "http.port", "retention.succeeded");
    DaemonConfig c =
        ConfigLoader.load(home, Map.of("COORDD_RETENTION_INVOCATIONS", "2d"), Map.of());
    assertThat(c.retention().invocations()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void event_rules_and_schedules_are_checked_by_their_features() throws IOException {
    writeConfig("{\"eventRules\": [{\"nonsense\": true}], \"schedules\": {\"s\": 5}}");
    assertThat(problems(Map.of(), Map.of()))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("config.json: eventRules = [{\"nonsense\":true}]: "),
            p -> assertThat(p).startsWith("config.json: schedules = {\"s\":5}: "));
  }

  @Test
  void leases_by_agent_kind_are_read_as_durations_and_capped_at_a_day() throws IOException {
    writeConfig("{\"leases\": {\"claude_code\": \"30m\", \"codex\": \"1h30m\"}}");
    DaemonConfig c = ConfigLoader.load(home, Map.of(), Map.of());
    assertThat(c.leases())
        .containsEntry("claude_code", Duration.ofMinutes(30))
        .containsEntry("codex", Duration.ofMinutes(90));
    assertThat(c.leaseFor("claude_code")).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.leaseFor("worker")).isEqualTo(c.leaseDuration());
    assertThat(c.leaseFor(null)).isEqualTo(c.leaseDuration());

    writeConfig("{\"leases\": {\"claude_code\": \"soon\"}}");
    assertThat(problems(Map.of(), Map.of()))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("config.json: leases.claude_code = \"soon\""));
    writeConfig("{\"leases\": {\"claude_code\": \"25h\"}}");
    assertThat(problems(Map.of(), Map.of()))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("leases.claude_code", "must be at most 24h"));
    writeConfig("{}");
    assertThat(problems(Map.of(), Map.of("leases", "{\"bad kind\": \"1m\"}"))).hasSize(1);
  }
}
