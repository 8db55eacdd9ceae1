package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.LongWait;
import dev.coordd.internal.Json;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The wire methods are the operations of {@link CoordinationService}, by name, with their
 * parameters by name (or by position): the interface is the one table every door calls, so a new
 * operation added there is on the socket at once. Thread-safe.
 */
public final class MethodTable {
  private final CoordinationService service;
  private final Map<String, Method> methods = new TreeMap<>();

  public MethodTable(CoordinationService service) {
    this.service = service;
    for (Method m : CoordinationService.class.getMethods()) {
      if (methods.put(m.getName(), m) != null) {
        throw new IllegalStateException(
            "overloaded service method " + m.getName() + " cannot be named on the wire");
      }
    }
  }

  public Set<String> names() {
    return methods.keySet();
  }

  public boolean has(String name) {
    return methods.containsKey(name);
  }

  /** True for operations marked {@link LongWait}. */
  public boolean isLongWait(String name) {
    Method m = methods.get(name);
    return m != null && m.isAnnotationPresent(LongWait.class);
  }

  /** Calls a method; the result is JSON (null for void). Errors are {@link CoorddException}s. */
  public JsonNode invoke(String name, JsonNode params) {
    Method m = methods.get(name);
    Object[] args = arguments(m, params == null ? NullNode.getInstance() : params);
    try {
      Object result = m.invoke(service, args);
      return result == null ? NullNode.getInstance() : Json.MAPPER.valueToTree(result);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object[] arguments(Method m, JsonNode params) {
    Parameter[] ps = m.getParameters();
    if (!params.isNull() && !params.isObject() && !params.isArray()) {
      throw new InvalidRequestException("params", "params must be an object or an array");
    }
    Object[] args = new Object[ps.length];
    for (int i = 0; i < ps.length; i++) {
      String name = ps[i].getName();
      JsonNode value = params.isArray() ? params.get(i) : params.get(name);
      if (value == null || value.isNull()) {
        if (ps[i].getType().isPrimitive()) {
          throw new InvalidRequestException(
              name,
              "missing parameter '"
                  + name
                  + "' of "
                  + m.getName()
                  + " ("
                  + ps[i].getType().getSimpleName()
                  + ")");
        }
        continue;
      }
      JavaType type = Json.MAPPER.getTypeFactory().constructType(ps[i].getParameterizedType());
      try {
        args[i] = Json.MAPPER.convertValue(value, type);
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            name,
            "parameter '"
                + name
                + "' of "
                + m.getName()
                + " is not a valid "
                + ps[i].getType().getSimpleName()
                + ": "
                + firstLine(e));
      }
    }
    if (params.isObject()) {
      params
          .fieldNames()
          .forEachRemaining(
              field -> {
                boolean known = false;
                for (Parameter p : ps) {
                  known |= p.getName().equals(field);
                }
                if (!known) {
                  throw new InvalidRequestException(
                      field,
                      "unknown parameter '"
                          + field
                          + "' of "
                          + m.getName()
                          + "; it takes "
                          + Arrays.stream(ps).map(Parameter::getName).toList());
                }
              });
    }
    return args;
  }

  private static String firstLine(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
