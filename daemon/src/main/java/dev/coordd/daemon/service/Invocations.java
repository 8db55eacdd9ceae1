package dev.coordd.daemon.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.invoke.InvocationFiles;
import dev.coordd.daemon.invoke.InvocationQueue;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.internal.Json;
import java.util.List;

/**
 * The API's view of agent invocations waiting for a session: list the pending ones, take one to
 * process, complete or fail it. Where they live and how races end are {@link InvocationQueue}'s;
 * this checks the request first. Thread-safe: it holds only final references.
 */
final class Invocations {
  private final Engine engine;
  private final InvocationQueue invocations;
  private final PayloadLimit payloads;

  Invocations(Engine engine, InvocationQueue invocations, PayloadLimit payloads) {
    this.engine = engine;
    this.invocations = invocations;
    this.payloads = payloads;
  }

  List<Invocation> list() {
    return invocations.store().pendingInvocations();
  }

  Invocation process(String id, String agent) {
    String name = Rules.name("agent", agent);
    Invocation taken = invocations.changed(invocations.store().process(id, name));
    long now = engine.clock().millis();
    String newId = engine.ids().next();
    engine
        .store()
        .writer()
        .execute(
            tx -> {
              engine.agents().touch(tx, newId, name, now); // taking work is a sign of life
              return null;
            });
    return taken;
  }

  Invocation complete(String id, JsonNode result) {
    InvocationFiles.checkId(id);
    payloads.check("result", Json.write(result == null ? NullNode.getInstance() : result));
    return invocations.complete(id, result);
  }

  Invocation fail(String id, String error) {
    InvocationFiles.checkId(id);
    if (error == null || error.isBlank()) {
      throw new InvalidRequestException("error", "error is required: say what went wrong");
    }
    return invocations.fail(id, Rules.text("error", error, Rules.MAX_TEXT));
  }
}
