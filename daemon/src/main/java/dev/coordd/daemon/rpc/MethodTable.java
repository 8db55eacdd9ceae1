package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.LongWait;
import dev.coordd.internal.Json;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The wire methods are the operations of {@link CoordinationService}, by name, with their
 * parameters by name (or by position): the interface is the one table every door calls, so a new
 * operation added there is on the socket at once. Thread-safe.
 *
 * <p>Everything reflection can tell about an operation is worked out once, here: each call only
 * binds its arguments with readers made for their types and calls a method handle bound to the
 * service, which costs a direct call rather than a reflective one.
 */
public final class MethodTable {
  private final Map<String, Operation> operations = new TreeMap<>();

  public MethodTable(CoordinationService service) {
    for (Method m : CoordinationService.class.getMethods()) {
      if (operations.put(m.getName(), Operation.of(m, service)) != null) {
        throw new IllegalStateException(
            "overloaded service method " + m.getName() + " cannot be named on the wire");
      }
    }
  }

  public Set<String> names() {
    return operations.keySet();
  }

  public boolean has(String name) {
    return operations.containsKey(name);
  }

  /** True for operations marked {@link LongWait}. */
  public boolean isLongWait(String name) {
    Operation op = operations.get(name);
    return op != null && op.longWait;
  }

  /** Calls a method; the result is JSON (null for void). Errors are {@link CoorddException}s. */
  public JsonNode invoke(String name, JsonNode params) {
    Object result = call(name, params);
    return result instanceof JsonNode node ? node : Json.MAPPER.valueToTree(result);
  }

  /**
   * Calls a method; the result is the method's own value, for the caller to write as JSON as it
   * stands (a {@link NullNode} for void or null), without first copying it into a tree. Errors are
   * {@link CoorddException}s.
   */
  public Object call(String name, JsonNode params) {
    Operation op = operations.get(name);
    Object[] args = op.arguments(params == null ? NullNode.getInstance() : params);
    Object result;
    try {
      result = op.handle.invokeExact(args);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable e) {
      // what reflection did: anything not a RuntimeException is a failure of the daemon
      throw new IllegalStateException(e);
    }
    return result == null ? NullNode.getInstance() : result;
  }

  /** One operation, with what its calls need worked out in advance. */
  private static final class Operation {
    final String name;
    final Param[] params;
    final List<String> paramNames;
    final boolean longWait;

    /** (Object[] arguments) Object, bound to the service. */
    final MethodHandle handle;

    private Operation(Method m, Param[] params, MethodHandle handle) {
      this.name = m.getName();
      this.params = params;
      this.paramNames = Arrays.stream(params).map(p -> p.name).toList();
      this.longWait = m.isAnnotationPresent(LongWait.class);
      this.handle = handle;
    }

    static Operation of(Method m, CoordinationService service) {
      Parameter[] ps = m.getParameters();
      Param[] params = new Param[ps.length];
      for (int i = 0; i < ps.length; i++) {
        params[i] = Param.of(ps[i]);
      }
      MethodHandle handle;
      try {
        handle =
            MethodHandles.publicLookup()
                .unreflect(m)
                .bindTo(service)
                .asSpreader(Object[].class, ps.length)
                .asType(MethodType.methodType(Object.class, Object[].class));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot call service method " + m.getName(), e);
      }
      return new Operation(m, params, handle);
    }

    Object[] arguments(JsonNode params) {
      if (!params.isNull() && !params.isObject() && !params.isArray()) {
        throw new InvalidRequestException("params", "params must be an object or an array");
      }
      Object[] args = new Object[this.params.length];
      for (int i = 0; i < args.length; i++) {
        Param p = this.params[i];
        JsonNode value = params.isArray() ? params.get(i) : params.get(p.name);
        if (value == null || value.isNull()) {
          if (p.primitive) {
            throw new InvalidRequestException(
                p.name,
                "missing parameter '" + p.name + "' of " + name + " (" + p.simpleName + ")");
          }
          continue;
        }
        args[i] = p.bind(value, name);
      }
      if (params.isObject() && params.size() > 0) {
        for (Map.Entry<String, JsonNode> field : params.properties()) {
          if (!paramNames.contains(field.getKey())) {
            throw new InvalidRequestException(
                field.getKey(),
                "unknown parameter '"
                    + field.getKey()
                    + "' of "
                    + name
                    + "; it takes "
                    + paramNames);
          }
        }
      }
      return args;
    }
  }

  /** One parameter: its wire name and how its JSON becomes the Java value. */
  private record Param(
      String name, String simpleName, boolean primitive, boolean tree, ObjectReader reader) {
    static Param of(Parameter p) {
      JavaType type = Json.MAPPER.getTypeFactory().constructType(p.getParameterizedType());
      return new Param(
          p.getName(),
          p.getType().getSimpleName(),
          p.getType().isPrimitive(),
          p.getType() == JsonNode.class,
          Json.MAPPER.readerFor(type));
    }

    Object bind(JsonNode value, String method) {
      if (tree) {
        return value; // already what the method takes: no copy
      }
      try {
        return reader.readValue(value);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new InvalidRequestException(
            name,
            "parameter '"
                + name
                + "' of "
                + method
                + " is not a valid "
                + simpleName
                + ": "
                + firstLine(e));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e); // a tree is in memory: nothing to fail to read
      }
    }
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
